// The browser side of the board channel's contract (workshop/rooms/board_channel.py), run by
// test_board_channel.py in Node (tests/rooms/node.py: with the page's import map): the shared module
// board_channel.js once, then that both board components (idea_board.js, cluster_board.js) take it as it is,
// and the clustering board's own moves. The components' data and methods, without Vue.
const PAGES = new URL("../../workshop/pages/", import.meta.url);
const { boardChannel } = await import("board_channel");
const components = {};
for (const name of ["idea_board.js", "cluster_board.js"]) components[name] = (await import(new URL(name, PAGES))).default;

function board(component, props) {
  // as Vue merges a component's mixins: their data and methods first, the component's own over them
  const self = { ...props };
  for (const part of [...(component.mixins || []), component]) {
    if (part.data) Object.assign(self, part.data.call(self));
    for (const [name, method] of Object.entries(part.methods || {})) self[name] = method.bind(self);
  }
  self.announce = () => {};  // no timers here
  return self;
}

const idea = (id, text, extra = {}) => ({ id, text, dots: 0, own: false, hidden: false, ...extra });
const texts = (b) => b.list.map((i) => `${i.id}:${i.text}:${i.dots}`).sort();
const results = {};
const channel = { mixins: [boardChannel] };

// a change that overtakes the whole list (the list was taken before it): applied again over the list
{
  const b = board(channel, { ideas: [idea(1, "a")], seq: 3, breakout: 7, question: 1, phase: "collect" });
  b.receive({ breakout: 7, question: 1, seq: 5, kind: "add", idea: idea(2, "b") });
  b.replace([idea(1, "a"), idea(3, "c")], {}, 4, 1);
  results.overtaken = texts(b);
}
// a list newer than the kept changes: nothing doubled, older changes ignored afterwards
{
  const b = board(channel, { ideas: [], seq: 0, breakout: 7, question: 1, phase: "collect" });
  b.receive({ breakout: 7, question: 1, seq: 1, kind: "add", idea: idea(1, "a") });
  b.replace([idea(1, "a"), idea(2, "b")], {}, 2, 1);
  b.receive({ breakout: 7, question: 1, seq: 2, kind: "remove", id: 1 });
  results.newer_list = texts(b);
  results.kept_after_newer_list = b.kept.length;
}
// changes applied again in number order, whatever order they arrived in
{
  const b = board(channel, { ideas: [idea(1, "a")], seq: 1, breakout: 7, question: 1, phase: "vote" });
  b.receive({ breakout: 7, question: 1, seq: 4, kind: "tallies", tallies: [[1, 2]] });
  b.receive({ breakout: 7, question: 1, seq: 3, kind: "tallies", tallies: [[1, 1]] });
  b.replace([idea(1, "a")], {}, 2, 1);
  results.in_order = texts(b);
}
// another question's change before its list (a question change): kept, applied with the new list
{
  const b = board(channel, { ideas: [idea(1, "a")], seq: 1, breakout: 7, question: 1, phase: "collect" });
  b.receive({ breakout: 7, question: 2, seq: 3, kind: "add", idea: idea(5, "new question") });
  results.before_new_list = texts(b);
  b.replace([], {}, 2, 2);
  results.new_question = texts(b);
}
// a reconnect's list: everything the page missed is in it; another room's changes never count
{
  const b = board(channel, { ideas: [idea(1, "a")], seq: 1, breakout: 7, question: 1, phase: "collect" });
  b.receive({ breakout: 8, question: 1, seq: 9, kind: "add", idea: idea(9, "other room") });
  b.replace([idea(1, "a"), idea(2, "b"), idea(3, "c")], {}, 6, 1);
  results.reconnect = texts(b);
}
// a change of the clusters is kept like any other: a list taken before it does not undo it
{
  const b = board(channel, { ideas: [], seq: 1, breakout: 7, question: 1, phase: "collect", clusters: [] });
  b.receive({ breakout: 7, question: 1, seq: 3, kind: "clusters", clusters: [{ id: 4, title: "T", colour: "blue", position: 0 }] });
  b.replace([idea(1, "a", { group: "T" })], {}, 2, 1);
  results.clusters_kept = b.liveClusters.map((c) => c.title);
}
// the clustering board shows a move at once: a card moved twice does not jump back when the first move's
// confirmation arrives after the second move; the last confirmation is taken as it is
{
  const clusters = [{ id: 4, title: "A", colour: "blue", position: 0 }, { id: 5, title: "B", colour: "green", position: 1 }];
  const b = board(components["cluster_board.js"], { ideas: [idea(1, "a")], seq: 1, breakout: 7, question: 1, phase: "collect", clusters: clusters });
  b.$emit = () => {};
  b.file(1, 4);
  b.file(1, 5);
  b.receive({ breakout: 7, question: 1, seq: 2, kind: "change", idea: idea(1, "a", { group: "A" }) });
  results.moved_twice = b.list[0].group;
  b.receive({ breakout: 7, question: 1, seq: 3, kind: "change", idea: idea(1, "a", { group: "B" }) });
  b.receive({ breakout: 7, question: 1, seq: 4, kind: "change", idea: idea(1, "a", { group: null }) });
  results.then_another_page = b.list[0].group; // a change from elsewhere after the own ones: shown as it is
}
// both components take the channel from the shared module (the very object) and change only its hooks
results.components = Object.fromEntries(Object.entries(components).map(([name, component]) => [name, {
  uses: (component.mixins || []).includes(boardChannel),
  overrides: Object.keys(component.methods).filter((m) => m in boardChannel.methods).sort(),
}]));
console.log(JSON.stringify(results));
