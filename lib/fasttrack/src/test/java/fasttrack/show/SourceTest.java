package fasttrack.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fasttrack.check.Check;
import fasttrack.check.Exercise;
import fasttrack.nn.Attention;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SourceTest {

    private static String file(Class<?> type) throws Exception {
        return Files.readString(Path.of("src/main/java", type.getName().replace('.', '/') + ".java"));
    }

    @Test
    void aWholeClassIsItsFileAsCompiled() throws Exception {
        Source source = Source.of(Attention.class);
        assertEquals(file(Attention.class).stripTrailing(), source.code());
        assertEquals("lib/fasttrack/src/main/java/fasttrack/nn/Attention.java", source.path());
        assertEquals(
                "lib/support/src/main/java/fasttrack/check/Check.java",
                Source.of(Check.class).path(),
                "another tier's jar, its own path");
    }

    @Test
    void aMemberIsEveryOverloadWithItsJavadocAndTheLinesItStandsOn() throws Exception {
        Source source = Source.of(Attention.class, "scaledDotProduct");
        String text = file(Attention.class);
        assertTrue(text.contains(source.code()), "the excerpt is a verbatim part of the file");
        assertTrue(source.code().strip().startsWith("/**"), source.code());
        assertTrue(source.code().contains("public static NDList scaledDotProduct("));
        assertTrue(source.code().stripTrailing().endsWith("}"));
        int firstLine = 1
                + (int) text.substring(0, text.indexOf(source.code()))
                        .chars()
                        .filter(c -> c == '\n')
                        .count();
        assertTrue(
                source.toString().startsWith("// " + source.path() + ", lines " + firstLine + "\u2013"),
                source.toString());
    }

    @Test
    void bracesInStringsAndCommentsDoNotEndTheBodyEarly() {
        String code =
                "class A {\n  /** doc { */\n  int f(int x) {\n    String s = \"}\"; // }\n    char c = '}';\n    return x;\n  }\n  int g() { return 1; }\n}\n";
        var spans = Source.JavaDeclarations.find(code, "f");
        assertEquals(1, spans.size());
        String f = code.substring(spans.get(0)[0], spans.get(0)[1]);
        assertTrue(f.startsWith("  /** doc { */") && f.contains("return x;") && !f.contains("g()"), f);
    }

    @Test
    void callsAreNotDeclarations() {
        String code = "class A {\n  int f() {\n    return g(1);\n  }\n  int g(int y) { return y; }\n}\n";
        var spans = Source.JavaDeclarations.find(code, "g");
        assertEquals(1, spans.size());
        assertTrue(code.substring(spans.get(0)[0], spans.get(0)[1]).contains("int g(int y)"));
    }

    @Test
    void nestedTypesAndConstructorsAreFound() {
        Source nested = Source.of(Exercise.class, "NotAnswered");
        assertTrue(nested.code().contains("public static final class NotAnswered"), nested.code());
        assertTrue(nested.code().contains("public NotAnswered()"));
    }

    @Test
    void theHtmlHighlightsAndEscapes() {
        String html = Source.of(Check.class, "that").html();
        assertTrue(html.contains("<span style=\"color:#d73a49;font-weight:bold\">public</span>"), html);
        assertTrue(html.contains("lib/support/src/main/java/fasttrack/check/Check.java, lines "));
        assertFalse(html.contains("<CheckFailed>"));
    }

    @Test
    void anUnknownMemberSaysWhatToDo() {
        var e = assertThrows(IllegalArgumentException.class, () -> Source.of(Check.class, "nope"));
        assertTrue(
                e.getMessage().contains("no declaration named 'nope'")
                        && e.getMessage().contains("Source.of(Check.class)"),
                e.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> Source.of(String.class));
        assertTrue(missing.getMessage().contains("only the course's own classes"), missing.getMessage());
    }
}
