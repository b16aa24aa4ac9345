// OpenAI's tokenizers as js-tiktoken (the exact version package-lock.json pins) computes them: the outside reference
// for the course's fasttrack.text.RankedBpe (tests) and the tokenizer benchmark (lib/bin/benchmark --tokenizers).
//
// usage: node reference.mjs ENCODING [--allowed-special all] [--time ROUNDS]
//   stdin:  a JSON array of strings (JSON, not raw text: \uD800 escapes carry lone surrogates, which UTF-8 cannot)
//   stdout: {"ids": [[id, ...], ...]} with one array per string; with --time also "ms": [ROUNDS timings], each the
//           encoding of all the strings once, after one untimed warm-up pass (the process start is not timed)
// Without --allowed-special the text of special tokens (<|endoftext|>) is encoded as ordinary text (tiktoken's
// encode_ordinary); with it, each becomes its special id.
import { Tiktoken } from "js-tiktoken/lite";

const ENCODINGS = ["gpt2", "r50k_base", "p50k_base", "p50k_edit", "cl100k_base", "o200k_base"];
const [encoding, ...options] = process.argv.slice(2);
if (!ENCODINGS.includes(encoding)) fail(`unknown encoding '${encoding}': use one of ${ENCODINGS.join(", ")}`);
let allowed = [], rounds = 0;
for (let i = 0; i < options.length; i++) {
  if (options[i] === "--allowed-special" && options[i + 1] === "all") { allowed = "all"; i++; }
  else if (options[i] === "--time" && /^[1-9][0-9]*$/.test(options[i + 1] ?? "")) { rounds = Number(options[++i]); }
  else fail(`unknown option '${options[i]}': use --allowed-special all, --time ROUNDS`);
}

const ranks = (await import(`js-tiktoken/ranks/${encoding}`)).default;
const tokenizer = new Tiktoken(ranks);
const texts = JSON.parse(await readStdin());
if (!Array.isArray(texts) || texts.some((t) => typeof t !== "string")) fail("stdin must be a JSON array of strings");
const encodeAll = () => texts.map((t) => tokenizer.encode(t, allowed, []));   // disallowed [] : never throw on special text

const out = {};
if (rounds > 0) {
  encodeAll();   // warm-up: the JIT compiles the encoder
  out.ms = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    encodeAll();
    out.ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
}
out.ids = encodeAll();
process.stdout.write(JSON.stringify(out));

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on("data", (c) => chunks.push(c));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
}

function fail(message) {
  process.stderr.write(`reference.mjs: ${message}\n`);
  process.exit(2);
}
