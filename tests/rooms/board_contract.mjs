// The browser side of the board channel's contract (workshop/rooms/board_channel.py), run by
// test_board_channel.py in Node for each board component (idea_board.js, cluster_board.js): the
// component's own data and methods, without Vue.
import { readFileSync } from "node:fs";

const source = readFileSync(process.argv[2], "utf8");
const component = (await import("data:text/javascript," + encodeURIComponent(source))).default;

function board(props) {
  const self = { ...props };
  Object.assign(self, component.data.call(self));
  for (const [name, method] of Object.entries(component.methods)) self[name] = method.bind(self);
  self.announce = () => {};  // no timers here
  return self;
}

const idea = (id, text, extra = {}) => ({ id, text, dots: 0, own: false, hidden: false, ...extra });
const texts = (b) => b.list.map((i) => `${i.id}:${i.text}:${i.dots}`).sort();
const results = {};

// a change that overtakes the whole list (the list was taken before it): applied again over the list
{
  const b = board({ ideas: [idea(1, "a")], seq: 3, breakout: 7, question: 1, phase: "collect" });
  b.receive({ breakout: 7, question: 1, seq: 5, kind: "add", idea: idea(2, "b") });
  b.replace([idea(1, "a"), idea(3, "c")], {}, 4, 1);
  results.overtaken = texts(b);
}
// a list newer than the kept changes: nothing doubled, older changes ignored afterwards
{
  const b = board({ ideas: [], seq: 0, breakout: 7, question: 1, phase: "collect" });
  b.receive({ breakout: 7, question: 1, seq: 1, kind: "add", idea: idea(1, "a") });
  b.replace([idea(1, "a"), idea(2, "b")], {}, 2, 1);
  b.receive({ breakout: 7, question: 1, seq: 2, kind: "remove", id: 1 });
  results.newer_list = texts(b);
  results.kept_after_newer_list = b.kept.length;
}
// changes applied again in number order, whatever order they arrived in
{
  const b = board({ ideas: [idea(1, "a")], seq: 1, breakout: 7, question: 1, phase: "vote" });
  b.receive({ breakout: 7, question: 1, seq: 4, kind: "tallies", tallies: [[1, 2]] });
  b.receive({ breakout: 7, question: 1, seq: 3, kind: "tallies", tallies: [[1, 1]] });
  b.replace([idea(1, "a")], {}, 2, 1);
  results.in_order = texts(b);
}
// another question's change before its list (a question change): kept, applied with the new list
{
  const b = board({ ideas: [idea(1, "a")], seq: 1, breakout: 7, question: 1, phase: "collect" });
  b.receive({ breakout: 7, question: 2, seq: 3, kind: "add", idea: idea(5, "new question") });
  results.before_new_list = texts(b);
  b.replace([], {}, 2, 2);
  results.new_question = texts(b);
}
// a reconnect's list: everything the page missed is in it; another room's changes never count
{
  const b = board({ ideas: [idea(1, "a")], seq: 1, breakout: 7, question: 1, phase: "collect" });
  b.receive({ breakout: 8, question: 1, seq: 9, kind: "add", idea: idea(9, "other room") });
  b.replace([idea(1, "a"), idea(2, "b"), idea(3, "c")], {}, 6, 1);
  results.reconnect = texts(b);
}
// a change of the clusters is kept like any other: a list taken before it does not undo it
{
  const b = board({ ideas: [], seq: 1, breakout: 7, question: 1, phase: "collect", clusters: [] });
  b.receive({ breakout: 7, question: 1, seq: 3, kind: "clusters", clusters: [{ id: 4, title: "T", colour: "blue", position: 0 }] });
  b.replace([idea(1, "a", { group: "T" })], {}, 2, 1);
  results.clusters_kept = b.liveClusters.map((c) => c.title);
}
// the clustering board shows a move at once: a card moved twice does not jump back when the first move's
// confirmation arrives after the second move; the last confirmation is taken as it is
if (component.methods.file) {
  const clusters = [{ id: 4, title: "A", colour: "blue", position: 0 }, { id: 5, title: "B", colour: "green", position: 1 }];
  const b = board({ ideas: [idea(1, "a")], seq: 1, breakout: 7, question: 1, phase: "collect", clusters: clusters });
  b.$emit = () => {};
  b.file(1, 4);
  b.file(1, 5);
  b.receive({ breakout: 7, question: 1, seq: 2, kind: "change", idea: idea(1, "a", { group: "A" }) });
  results.moved_twice = b.list[0].group;
  b.receive({ breakout: 7, question: 1, seq: 3, kind: "change", idea: idea(1, "a", { group: "B" }) });
  b.receive({ breakout: 7, question: 1, seq: 4, kind: "change", idea: idea(1, "a", { group: null }) });
  results.then_another_page = b.list[0].group; // a change from elsewhere after the own ones: shown as it is
}
console.log(JSON.stringify(results));
