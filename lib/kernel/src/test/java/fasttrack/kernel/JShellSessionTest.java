package fasttrack.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JShellSessionTest {

    private static JShellSession session;

    @BeforeAll
    static void start() {
        session = new JShellSession();
    }

    @AfterAll
    static void stop() {
        session.close();
    }

    @Test
    void aCellIsManySnippetsAndItsValueIsTheLastExpression() throws Exception {
        CellResult result = session.eval("int a = 20;\nint b = 22;\na + b");
        assertEquals(42, result.value());
        assertEquals("42", result.text());
    }

    @Test
    void theValueIsTheObjectItselfNotItsString() throws Exception {
        Object value = session.eval("new StringBuilder(\"ab\")").value();
        assertEquals("java.lang.StringBuilder", value.getClass().getName());
    }

    @Test
    void declarationsAndStatementsHaveNoValue() throws Exception {
        assertFalse(session.eval("int unused = 1;").hasValue());
        assertFalse(session.eval("class Point { int x; }").hasValue());
        assertFalse(session.eval("System.out.print(\"\");").hasValue());
    }

    @Test
    void compileErrorsNameTheLineOfTheCell() {
        var e = assertThrows(
                CompilationException.class, () -> session.eval("int ok = 1;\nint twice = 2 * undefinedName;"));
        assertEquals(
                "error (line 2): cannot find symbol\n  symbol:   variable undefinedName",
                e.lines().get(0));
        assertEquals("    int twice = 2 * undefinedName;", e.lines().get(1));
        assertEquals("    " + " ".repeat(16) + "^", e.lines().get(2));
        assertTrue(
                e.lines().stream().noneMatch(l -> l.contains("location: class")),
                e.lines().toString());
    }

    @Test
    void aFailingSnippetStopsTheCell() throws Exception {
        session.eval("int counter = 0;");
        var e = assertThrows(
                EvaluationException.class,
                () -> session.eval("counter++;\nif (true) throw new IllegalStateException(\"boom\");\ncounter++;"));
        assertEquals("java.lang.IllegalStateException", e.exceptionClass());
        assertEquals("java.lang.IllegalStateException: boom", e.getMessage());
        assertEquals(1, session.eval("counter").value(), "the snippet after the failure did not run");
    }

    @Test
    void userFramesAreKeptAndJShellMachineryDropped() {
        var e = assertThrows(
                EvaluationException.class,
                () -> session.eval("void fail() { throw new RuntimeException(\"deep\"); }\nfail();"));
        List<String> trace = e.trace();
        assertTrue(trace.get(0).contains(", in fail: "), trace.toString());
        assertTrue(trace.stream().noneMatch(l -> l.contains("jdk.jshell") || l.contains("reflect")), trace.toString());
    }

    @Test
    void runtimeErrorsNameTheLineOfTheCell() {
        var e = assertThrows(
                EvaluationException.class, () -> session.eval("int[] xs = new int[2];\nint i = 1;\n\nxs[i + 5] = 1;"));
        assertEquals(List.of("    at line 4 of this cell: xs[i + 5] = 1;"), e.trace());
    }

    @Test
    void framesInAMultiSnippetCellNameTheirOwnLines() {
        String cell = String.join(
                "\n",
                "int half(int n) {",
                "    if (n % 2 != 0) throw new IllegalArgumentException(\"odd: \" + n);",
                "    return n / 2;",
                "}",
                "int ok = half(4);",
                "int bad = half(3);");
        var e = assertThrows(EvaluationException.class, () -> session.eval(cell));
        assertEquals(
                List.of(
                        "    at line 2 of this cell, in half: if (n % 2 != 0) throw new IllegalArgumentException(\"odd: \" + n);",
                        "    at line 6 of this cell: int bad = half(3);"),
                e.trace());
        var later = assertThrows(EvaluationException.class, () -> session.eval("int x = 1;\nhalf(x)"));
        assertEquals(
                List.of(
                        "    at line 2 of an earlier cell, in half: if (n % 2 != 0) throw new IllegalArgumentException(\"odd: \" + n);",
                        "    at line 2 of this cell: half(x)"),
                later.trace());
    }

    @Test
    void systemExitEndsTheCellAndKeepsTheVariables() throws Exception {
        session.eval("int survivor = 7;");
        var e = assertThrows(EvaluationException.class, () -> session.eval("int before = 1;\nSystem.exit(3);"));
        assertEquals(
                "System.exit(3) was called: the kernel stays up and keeps your variables"
                        + " (to reset them, restart the kernel from the Kernel menu)",
                e.getMessage());
        assertEquals(List.of("    at line 2 of this cell: System.exit(3);"), e.trace());
        assertEquals(7, session.eval("survivor").value());
    }

    @Test
    void runtimeExitAndHaltAreCaughtTooEvenInsideCatchException() throws Exception {
        var exit = assertThrows(
                EvaluationException.class,
                () -> session.eval("try { Runtime.getRuntime().exit(4); } catch (Exception ignored) {}"));
        assertTrue(exit.getMessage().startsWith("Runtime.exit(4) was called"), exit.getMessage());
        var halt = assertThrows(
                EvaluationException.class,
                () -> session.eval("void stopAll() { Runtime.getRuntime().halt(5); }\nstopAll();"));
        assertTrue(halt.getMessage().startsWith("Runtime.halt(5) was called"), halt.getMessage());
        assertEquals(2, session.eval("1 + 1").value(), "the session still works");
    }

    @Test
    void snippetsRunWithTheSnippetLoaderAsContextClassLoader() throws Exception {
        assertNull(session.eval("class Probe {}").value());
        assertEquals(
                Boolean.TRUE,
                session.eval("Thread.currentThread().getContextClassLoader() == Probe.class.getClassLoader()")
                        .value());
    }

    @Test
    void completenessFollowsJavaSyntax() {
        assertEquals(Completeness.DEFINITELY_INCOMPLETE, session.completeness("for (int i = 0; i < 3; i++) {"));
        assertTrue(session.completeness("int x = 1;\nx + 1").isComplete());
        assertEquals(Completeness.UNKNOWN, session.completeness(")"));
    }

    @Test
    void completesWithinTheSnippetUnderTheCursor() {
        String cell = "int x = 1;\nMath.ma";
        JShellSession.Completions completions = session.complete(cell, cell.length());
        assertEquals(List.of("max("), completions.candidates());
        assertEquals(cell.length() - 2, completions.start());
        assertEquals(cell.length(), completions.end());
    }

    @Test
    void interruptingABlockedCellStopsIt() throws Exception {
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                return;
            }
            session.stop();
        });
        stopper.start();
        var e = assertThrows(EvaluationException.class, () -> session.eval("Thread.sleep(60_000);"));
        assertEquals("java.lang.InterruptedException", e.exceptionClass());
        assertEquals(2, session.eval("1 + 1").value(), "the session still works after an interrupt");
    }
}
