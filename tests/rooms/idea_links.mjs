// Web addresses in ideas (workshop/pages/idea_board.js: linkParts), run by test_idea_links.py in Node.
import { pathToFileURL } from "node:url";

const { linkParts } = await import(pathToFileURL(process.argv[2]).href);
const texts = JSON.parse(process.argv[3]);
console.log(JSON.stringify(texts.map(([text, short]) => linkParts(text, short))));
