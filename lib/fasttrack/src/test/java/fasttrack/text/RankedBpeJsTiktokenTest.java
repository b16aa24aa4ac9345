package fasttrack.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The course's byte-level BPE on OpenAI's real rank tables gives exactly js-tiktoken's ids: on the whole
 * KJV, the whole Devil's Dictionary and a Unicode torture text, for GPT-2, cl100k_base (GPT-4) and
 * o200k_base (GPT-4o). js-tiktoken runs under node (lib/tiktoken/reference.mjs). Skipped, saying why,
 * when node or the package is missing; failed instead where setup installed them
 * ({@code FASTTRACK_REQUIRE_JS_TIKTOKEN=1}, which lib/bin/test's setup sets).
 */
class RankedBpeJsTiktokenTest {

    static final String REQUIRE_ENV = "FASTTRACK_REQUIRE_JS_TIKTOKEN";

    /**
     * Everything a chunk pattern or a UTF-8 encoder can get wrong. All of it is in Unicode 13 (Java 17's tables) but the
     * emoji U+1FAE0 (Unicode 14): a symbol to node, unassigned to Java, and so neither letter, number nor space to either.
     */
    static final String TORTURE = String.join(
            "\n",
            "Combining: e\u0301 a\u0300\u0301\u0302 Z\u0351\u0352a\u0354\u0355lgo\u0489 n\u0303o\u0308 \u0915\u094D\u0937 \u0301lead \u200D\u200C",
            "Emoji: \ud83d\udc4d \ud83d\udc4d\ud83c\udffd \ud83d\udc69\ud83c\udfff\u200d\ud83d\udcbb \ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67\u200d\ud83d\udc66"
                    + " \ud83c\udff3\ufe0f\u200d\ud83c\udf08 \ud83c\uddec\ud83c\udde7\ud83c\uddef\ud83c\uddf5 \u2764\ufe0f 1\ufe0f\u20e3 \ud83e\udee0 \ud83d\ude00\ud83d\ude00\ud83d\ude00",
            "CJK: \u6f22\u5b57\u304b\u306a\u30ab\u30ca\ud55c\uad6d\uc5b4 \u4e2d\u6587\uff0c\u6807\u70b9\u3002 \u3231 \u3007 \u3005 \u1100\u1161\u11a8 \ud840\udc0b\ud869\udede",
            "RTL: \u200f\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645\u200e \u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd \u05e2\u05d5\u05dc\u05dd"
                    + " \u0661\u0662\u0663\u0664\u0665 \u06f1\u06f2\u06f3 \u202bembedded\u202c",
            "Numbers: 1 12 123 1234 12345 123456789012345678901234567890 3.14159 1,000,000 -42 +7e10 0x1F \u00bd \u00b2 \u216b \u2460 \uff11\uff12\uff13\uff14 \ud835\udfd9",
            "Contractions: it's It'S we'll WE'LL We'Ll they're THEY'RE They'rE you've YOU'VE I'm I'M he'd HE'D don't DON'T 'tis o'clock it\u2019s 's''ll",
            "Whitespace:    four\ttab\t\ttwo tabs  \n\n\n  \r\n\r\n \u00a0nbsp \u2003em \u3000ideo \u2028ls \u2029ps \u0085nel \ufeffbom \u000bvt \u000cff \u200bzwsp end   ",
            "        indented\n\t\tcode();\n   \n  \t \n",
            "Specials: <|endoftext|> <|fim_prefix|><|fim_middle|> <|endofprompt|> <|notspecial|> <|endoftext|",
            "Controls: \u0000 \u0001\u0002 \u007f \u001b[0m \u0080\u009f",
            "Code: for (int i = 0; i < n; i++) { x += a[i] * 2; } // done; path/to/file.txt a/b/c\n    return \"ok\";",
            "Mixed: na\u00efve caf\u00e9 \u00c5ngstr\u00f6m \u0130stanbul \u00df\u1e9e \u01c5 \u1f88 \u03a3\u03af\u03c3\u03c5\u03c6\u03bf\u03c2 \u041f\u0440\u0438\u0432\u0435\u0442 HTTPServer camelCaseWord XMLHttpRequest",
            "Lone surrogates: a\ud800b \udc00 \udbff\udfff ok \udfff\ud800 x\ud800\ud800y end\ud83d");

    private static String kjv, devil;

    @BeforeAll
    static void requireJsTiktoken() {
        var why = JsTiktoken.unavailable();
        if (why.isPresent()) {
            if ("1".equals(System.getenv(REQUIRE_ENV)))
                fail(REQUIRE_ENV + "=1 says js-tiktoken must be there, but " + why.get());
            Assumptions.assumeTrue(false, "js-tiktoken comparison skipped: " + why.get());
        }
        kjv = Corpus.kjv().text();
        devil = Corpus.devilsDictionary().text();
    }

    @Test
    void gpt2GivesJsTiktokensIdsOnWholeBooksAndTheTortureText() {
        RankedBpe gpt2 = RankedBpe.openAi("gpt2");
        assertEquals(50_257, gpt2.vocabSize());
        assertEquals(50_256, gpt2.ordinaryTokens());
        assertEquals(Map.of("<|endoftext|>", 50_256), gpt2.specialTokens());
        assertIdentical(gpt2);
    }

    @Test
    void cl100kGivesJsTiktokensIds() {
        RankedBpe cl100k = RankedBpe.openAi("cl100k_base");
        assertEquals(100_277, cl100k.vocabSize());
        assertEquals(100_256, cl100k.ordinaryTokens());
        assertIdentical(cl100k);
    }

    @Test
    void o200kGivesJsTiktokensIds() {
        RankedBpe o200k = RankedBpe.openAi("o200k_base");
        assertEquals(200_019, o200k.vocabSize());
        assertEquals(199_998, o200k.ordinaryTokens());
        assertIdentical(o200k);
    }

    /** The three texts, ordinary and with special tokens allowed, against js-tiktoken; and the round trip. */
    private static void assertIdentical(RankedBpe bpe) {
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("the KJV", kjv);
        texts.put("The Devil's Dictionary", devil);
        texts.put("the torture text", TORTURE);
        List<int[]> theirs = JsTiktoken.encode(bpe.name(), new ArrayList<>(texts.values()));
        int i = 0;
        long compared = 0;
        for (Map.Entry<String, String> text : texts.entrySet()) {
            int[] ours = bpe.encode(text.getValue());
            assertSame(bpe, text.getKey(), theirs.get(i++), ours);
            compared += ours.length;
            assertEquals(
                    ByteLevel.wellFormed(text.getValue()),
                    bpe.decode(ours),
                    "decoding " + text.getKey() + " gives it back");
        }
        int[] special =
                JsTiktoken.encodeAllowingSpecial(bpe.name(), List.of(TORTURE)).get(0);
        int[] ours = bpe.encode(TORTURE, bpe.specialTokens().keySet());
        assertSame(bpe, "the torture text with special tokens allowed", special, ours);
        assertTrue(
                Arrays.stream(ours).anyMatch(id -> id == bpe.specialTokens().get("<|endoftext|>")),
                "allowed, <|endoftext|> is one token");
        assertEquals(ByteLevel.wellFormed(TORTURE), bpe.decode(ours));
        System.out.printf(
                "%s: %,d tokens identical to js-tiktoken %s (KJV %,d, Devil's Dictionary %,d, torture text %,d + %,d with special tokens)%n",
                bpe.name(),
                compared + ours.length,
                JsTiktoken.VERSION,
                theirs.get(0).length,
                theirs.get(1).length,
                theirs.get(2).length,
                ours.length);
    }

    private static void assertSame(RankedBpe bpe, String what, int[] theirs, int[] ours) {
        if (Arrays.equals(theirs, ours)) return;
        int at = Arrays.mismatch(theirs, ours);
        int from = Math.max(0, at - 5);
        fail(bpe.name() + " on " + what + ": ids differ from js-tiktoken's at token " + at + " of " + theirs.length
                + " (ours " + ours.length + ")\n"
                + "  js-tiktoken: " + show(bpe, Arrays.copyOfRange(theirs, from, Math.min(theirs.length, at + 5)))
                + "\n"
                + "  ours:        " + show(bpe, Arrays.copyOfRange(ours, from, Math.min(ours.length, at + 5))));
    }

    private static String show(RankedBpe bpe, int[] ids) {
        StringBuilder s = new StringBuilder();
        for (int id : ids)
            s.append(id).append("='").append(bpe.token(id).replace("\n", "\\n")).append("' ");
        return s.toString();
    }

    @Test
    void aLoneSurrogateIsEncodedAsTheReplacementCharacterAsJavaScriptDoes() {
        RankedBpe gpt2 = RankedBpe.openAi("gpt2");
        String lone = "x\ud800 y\udc00";
        int[] ids = gpt2.encode(lone);
        assertArrayEquals(JsTiktoken.encode("gpt2", List.of(lone)).get(0), ids);
        assertArrayEquals(gpt2.encode("x\ufffd y\ufffd"), ids, "the same ids as U+FFFD itself");
        assertEquals("x\ufffd y\ufffd", gpt2.decode(ids));
    }

    @Test
    void theJavaPatternsMatchJavaScriptsClassesWhereverBothRuntimesAgreeOnTheCategory() throws Exception {
        // Every class the patterns use, on every code point: java.util.regex (translated) against node. Each runtime
        // reads
        // general categories from its own Unicode tables (Java 17: Unicode 13; node: its ICU's), so where the two give
        // a
        // code point different categories (assigned since, or recategorised, as U+0295 went from Ll to Lo in Unicode
        // 16)
        // they may disagree; everywhere else they must agree exactly.
        String[] classes = {
            "\\s",
            "\\p{L}",
            "\\p{N}",
            "\\p{Lu}",
            "\\p{Ll}",
            "\\p{Lt}",
            "\\p{Lm}",
            "\\p{Lo}",
            "\\p{M}",
            "[^\\s\\p{L}\\p{N}]"
        };
        String[] categories = {
            "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po",
            "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn"
        };
        // Ranges [first, last] per class, and per code point the index of its category, run-length encoded.
        String script =
                "const [classes, cats] = JSON.parse(process.argv[1]); const ranges = (test) => { const out = []; let start = -1;"
                        + "  for (let cp = 0; cp <= 0x110000; cp++) { const hit = cp <= 0x10FFFF && test(String.fromCodePoint(cp));"
                        + "    if (hit && start < 0) start = cp; if (!hit && start >= 0) { out.push([start, cp - 1]); start = -1; } } return out; };"
                        + "const classRanges = classes.map((c) => { const re = new RegExp('^' + c + '$', 'u'); return ranges((s) => re.test(s)); });"
                        + "const any = new RegExp('^(?:' + cats.map((c) => '(\\\\p{gc=' + c + '})').join('|') + ')$', 'u'); const runs = []; let last = -1;"
                        + "for (let cp = 0; cp <= 0x10FFFF; cp++) { const m = any.exec(String.fromCodePoint(cp)); const cat = m.findIndex((g, i) => i > 0 && g !== undefined) - 1;"
                        + "  if (cat !== last) { runs.push([cp, cat]); last = cat; } }"
                        + "process.stdout.write(JSON.stringify({unicode: process.versions.unicode, classes: classRanges, categories: runs}));";
        Process node = new ProcessBuilder(
                        JsTiktoken.node().orElseThrow().toString(),
                        "-e",
                        script,
                        new com.google.gson.Gson().toJson(List.of(classes, categories)))
                .redirectErrorStream(true)
                .start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, node.waitFor(), output);
        var root = JsonParser.parseString(output).getAsJsonObject();

        byte[] nodeCategory = new byte[0x110000];
        var runs = root.getAsJsonArray("categories");
        for (int r = 0; r < runs.size(); r++) {
            int from = runs.get(r).getAsJsonArray().get(0).getAsInt(),
                    to =
                            r + 1 < runs.size()
                                    ? runs.get(r + 1).getAsJsonArray().get(0).getAsInt()
                                    : 0x110000;
            Arrays.fill(nodeCategory, from, to, (byte)
                    runs.get(r).getAsJsonArray().get(1).getAsInt());
        }
        java.util.BitSet recategorised = new java.util.BitSet();
        List<String> examples = new ArrayList<>();
        for (int cp = 0; cp <= 0x10FFFF; cp++) {
            String ours = javaCategory(cp), theirs = categories[nodeCategory[cp]];
            if (ours.equals(theirs)) continue;
            recategorised.set(cp);
            if (examples.size() < 3 && !ours.equals("Cn"))
                examples.add(String.format("U+%04X %s->%s", cp, ours, theirs));
        }
        for (int c = 0; c < classes.length; c++) {
            java.util.BitSet js = new java.util.BitSet();
            for (var range : root.getAsJsonArray("classes").get(c).getAsJsonArray()) {
                js.set(
                        range.getAsJsonArray().get(0).getAsInt(),
                        range.getAsJsonArray().get(1).getAsInt() + 1);
            }
            var matcher = RankedBpe.javaPattern(classes[c]).matcher("");
            List<String> unexpected = new ArrayList<>();
            for (int cp = 0; cp <= 0x10FFFF; cp++) {
                boolean ours = matcher.reset(new String(Character.toChars(cp))).matches();
                if (ours != js.get(cp) && !recategorised.get(cp))
                    unexpected.add(String.format("U+%04X (ours %s)", cp, ours));
            }
            assertTrue(
                    unexpected.isEmpty(),
                    classes[c] + " differs from node's on code points both runtimes put in the same category: "
                            + unexpected.subList(0, Math.min(20, unexpected.size())));
        }
        System.out.printf(
                "Java %s (its Unicode) vs node's Unicode %s: %,d code points in different general categories (assigned since Java's"
                        + " Unicode, or recategorised: %s); on all others the pattern classes agree%n",
                Runtime.version().feature(),
                root.get("unicode").getAsString(),
                recategorised.cardinality(),
                String.join(", ", examples));
    }

    private static String javaCategory(int cp) {
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER -> "Lu";
            case Character.LOWERCASE_LETTER -> "Ll";
            case Character.TITLECASE_LETTER -> "Lt";
            case Character.MODIFIER_LETTER -> "Lm";
            case Character.OTHER_LETTER -> "Lo";
            case Character.NON_SPACING_MARK -> "Mn";
            case Character.COMBINING_SPACING_MARK -> "Mc";
            case Character.ENCLOSING_MARK -> "Me";
            case Character.DECIMAL_DIGIT_NUMBER -> "Nd";
            case Character.LETTER_NUMBER -> "Nl";
            case Character.OTHER_NUMBER -> "No";
            case Character.CONNECTOR_PUNCTUATION -> "Pc";
            case Character.DASH_PUNCTUATION -> "Pd";
            case Character.START_PUNCTUATION -> "Ps";
            case Character.END_PUNCTUATION -> "Pe";
            case Character.INITIAL_QUOTE_PUNCTUATION -> "Pi";
            case Character.FINAL_QUOTE_PUNCTUATION -> "Pf";
            case Character.OTHER_PUNCTUATION -> "Po";
            case Character.MATH_SYMBOL -> "Sm";
            case Character.CURRENCY_SYMBOL -> "Sc";
            case Character.MODIFIER_SYMBOL -> "Sk";
            case Character.OTHER_SYMBOL -> "So";
            case Character.SPACE_SEPARATOR -> "Zs";
            case Character.LINE_SEPARATOR -> "Zl";
            case Character.PARAGRAPH_SEPARATOR -> "Zp";
            case Character.CONTROL -> "Cc";
            case Character.FORMAT -> "Cf";
            case Character.SURROGATE -> "Cs";
            case Character.PRIVATE_USE -> "Co";
            default -> "Cn";
        };
    }

    @Test
    void aLetterNewerThanJavasUnicodeIsChunkedAsPunctuation() {
        // U+31350, a CJK ideograph of Extension H (Unicode 15.0, 2022), is a letter to a node with newer tables; Java
        // 17
        // (Unicode 13) does not know it, so in "U+31350's" it is punctuation and takes the apostrophe ("U+31350'" +
        // "s")
        // where js-tiktoken sees a word and the contraction "'s".
        String text = Character.toString(0x31350) + "'s";
        RankedBpe gpt2 = RankedBpe.openAi("gpt2");
        boolean javaKnowsIt = Character.isLetter(0x31350);
        boolean nodeKnowsIt = nodeUnicodeMajor() >= 15;
        boolean same = Arrays.equals(JsTiktoken.encode("gpt2", List.of(text)).get(0), gpt2.encode(text));
        assertEquals(
                javaKnowsIt == nodeKnowsIt,
                same,
                "identical exactly when both runtimes' Unicode tables agree on U+31350 (Java: " + javaKnowsIt
                        + ", node: " + nodeKnowsIt + ")");
        assertEquals(
                javaKnowsIt
                        ? List.of(Character.toString(0x31350), "'s")
                        : List.of(Character.toString(0x31350) + "'", "s"),
                gpt2.chunks(text));
    }

    private static int nodeUnicodeMajor() {
        try {
            Process p = new ProcessBuilder(JsTiktoken.node().orElseThrow().toString(), "-p", "process.versions.unicode")
                    .start();
            String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return Integer.parseInt(version.split("\\.")[0]);
        } catch (IOException | InterruptedException | NumberFormatException e) {
            throw new IllegalStateException("cannot ask node for its Unicode version: " + e, e);
        }
    }

    @Test
    void bytesPerTokenComparesTheCoursesBpeWithOpenAisEncodings() {
        BpeTokenizer course = BpeTokenizer.train(kjv.substring(0, 1_000_000), 512);
        List<BytesPerToken> rows = BytesPerToken.courseVsOpenAi("course BPE 512", course);
        assertEquals(
                List.of(
                        "course BPE 512",
                        "gpt2",
                        "cl100k_base",
                        "o200k_base",
                        "course BPE 512",
                        "gpt2",
                        "cl100k_base",
                        "o200k_base"),
                rows.stream().map(BytesPerToken::tokenizer).toList());
        assertEquals(
                List.of(
                        "kjv.txt.gz",
                        "kjv.txt.gz",
                        "kjv.txt.gz",
                        "kjv.txt.gz",
                        "devils-dictionary.txt.gz",
                        "devils-dictionary.txt.gz",
                        "devils-dictionary.txt.gz",
                        "devils-dictionary.txt.gz"),
                rows.stream().map(BytesPerToken::corpus).toList());
        assertEquals(kjv.getBytes(StandardCharsets.UTF_8).length, rows.get(1).bytes());
        assertEquals(1_024_544, rows.get(1).tokens(), "GPT-2 on the KJV: js-tiktoken's count");
        assertEquals(course.encode(kjv).length, rows.get(0).tokens());
        for (int corpus : new int[] {0, 4}) {
            double ours = rows.get(corpus).value(),
                    gpt2 = rows.get(corpus + 1).value(),
                    cl100k = rows.get(corpus + 2).value(),
                    o200k = rows.get(corpus + 3).value();
            assertTrue(
                    ours < gpt2 && gpt2 < cl100k && cl100k < o200k,
                    "512 tokens < 50k < 100k < 200k in bytes per token: " + rows);
        }
        rows.forEach(System.out::println);
    }

    @Test
    void thePinnedVersionIsTheOneInstalled() throws Exception {
        var pkg = JsonParser.parseString(Files.readString(JsTiktoken.folder().resolve("package.json")))
                .getAsJsonObject();
        assertEquals(
                JsTiktoken.VERSION,
                pkg.getAsJsonObject("dependencies").get("js-tiktoken").getAsString(),
                "package.json pins the exact version");
        var lock = JsonParser.parseString(Files.readString(JsTiktoken.folder().resolve("package-lock.json")))
                .getAsJsonObject();
        assertEquals(
                JsTiktoken.VERSION,
                lock.getAsJsonObject("packages")
                        .getAsJsonObject("node_modules/js-tiktoken")
                        .get("version")
                        .getAsString());
        var installed = JsonParser.parseString(
                        Files.readString(JsTiktoken.folder().resolve("node_modules/js-tiktoken/package.json")))
                .getAsJsonObject();
        assertEquals(JsTiktoken.VERSION, installed.get("version").getAsString(), "setup installed the pinned version");
    }
}
