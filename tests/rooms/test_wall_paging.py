"""The wall's layout and page-through (idea_board.js: packPage, PageCursor, groupIdeas), run in Node: what
fits is packed in order, a new card moves nothing, a page-through cycle shows every idea."""

from __future__ import annotations

from .node import PAGES, run_in_node


def test_the_wall_packs_and_pages_through_every_idea():
    seen = run_in_node('wall_paging.mjs', str(PAGES / 'idea_board.js'))
    # room enough: everything on one page, in order; clusters side by side, or sharing columns
    assert seen['fits'] and seen['order'] and not seen['problems']
    assert seen['separate_columns'] == ['c0', 'c1', 'c2'] and not seen['too_few_columns']
    assert seen['moved'] == 0  # a new card at the end of its cluster moves no card before it
    assert seen['moved_sharing'] == 0 and seen['whole_split'] == 0  # clusters sharing columns, see packPage
    # 200 ideas on 5 columns: a cycle of numbered pages shows each once, every column within the height
    pages = seen['cycle']['pages']
    assert seen['cycle'] == {'cards': 200, 'shown': 200, 'distinct': 200, 'pages': pages, 'problems': []}
    assert pages >= 5 and seen['counts'] == [f'{n}/{pages}' for n in range(1, pages + 1)] and seen['next_cycle']
    # with ideas arriving and others removed between pages, none that was there is skipped, pages stay full
    changing = seen['changing']
    assert changing['cycleDone'] and changing['missing'] == 0 and changing['all_by_next_cycle']
    assert changing['smallest'] >= 10
    # a pinned cluster stays on every page while the others page through
    assert seen['pinned'] == {'pinnedOnEvery': True, 'pages': seen['pinned']['pages'], 'all': True}
    # clusters in their order, ranked by dots (ties oldest first), the ideas in no cluster last
    assert seen['sections'] == ['c10:3:0', 'c11:4,1,6:5', 'none:5,2:2']
