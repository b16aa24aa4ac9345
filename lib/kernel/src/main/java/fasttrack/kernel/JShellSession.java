package fasttrack.kernel;

import fasttrack.kernel.api.ExitGuard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

/**
 * A JShell that evaluates whole notebook cells: it splits a cell into snippets, runs them in order,
 * stops at the first failure, and reports compile errors and the frames of runtime errors with the
 * line of the cell they are on.
 */
final class JShellSession implements AutoCloseable {

    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final CapturingExecutionControl control;
    private final SnippetOrigins origins = new SnippetOrigins();
    private final ClassLoader classLoader;

    JShellSession() {
        CapturingExecutionControl.Provider provider = new CapturingExecutionControl.Provider();
        this.shell = JShell.builder().executionEngine(provider, Map.of()).build();
        this.analysis = shell.sourceCodeAnalysis();
        this.control = provider.control();
        // JShell's local engine makes its class loader the context loader of the thread that built it.
        this.classLoader = Thread.currentThread().getContextClassLoader();
    }

    /** The class loader of the cells' classes and of the jars added to the classpath. */
    ClassLoader classLoader() {
        return classLoader;
    }

    void addToClasspath(Path entry) {
        shell.addToClasspath(entry.toAbsolutePath().toString());
    }

    /** Evaluates every snippet of the cell; the result is the last snippet's value if it was an expression. */
    CellResult eval(String cell) throws CompilationException, EvaluationException {
        origins.startCell();
        CellResult result = CellResult.NONE;
        int offset = 0;
        for (Unit unit : split(cell)) {
            result = evalSnippet(cell, offset + unit.leading(), unit.source());
            offset += unit.length();
        }
        return result;
    }

    private CellResult evalSnippet(String cell, int start, String source)
            throws CompilationException, EvaluationException {
        control.takeLastValue();
        int firstLine = lineOf(cell, start);
        CellResult result = CellResult.NONE;
        for (SnippetEvent event : shell.eval(source)) {
            if (event.causeSnippet() != null) continue; // updates of dependent snippets, not this one
            Snippet snippet = event.snippet();
            if (event.status() == Snippet.Status.REJECTED) {
                throw new CompilationException(describeDiagnostics(cell, start, snippet));
            }
            origins.record(snippet.id(), snippet.source(), firstLine);
            if (event.exception() != null) {
                throw toEvaluationException(event.exception());
            }
            if (isExpression(snippet) && event.value() != null) {
                result = new CellResult(control.takeLastValue(), event.value());
            }
        }
        return result;
    }

    /** The line (from 1) of the cell that {@code position} is on. */
    private static int lineOf(String cell, int position) {
        return 1
                + (int) cell.substring(0, position)
                        .chars()
                        .filter(c -> c == '\n')
                        .count();
    }

    private static boolean isExpression(Snippet snippet) {
        return snippet.kind() == Snippet.Kind.EXPRESSION
                || (snippet instanceof VarSnippet && snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND);
    }

    private List<String> describeDiagnostics(String cell, int start, Snippet snippet) {
        List<String> lines = new ArrayList<>();
        for (Diag diag : (Iterable<Diag>) shell.diagnostics(snippet)::iterator) {
            if (!diag.isError()) continue;
            int position = start + (int) Math.max(0, diag.getPosition()); // where javac puts its caret
            lines.addAll(
                    locate(cell, Math.min(position, cell.length()), withoutWrapperClass(diag.getMessage(Locale.ROOT))));
        }
        if (lines.isEmpty()) {
            // JShell rejects some snippets without a diagnostic, e.g. a reference to a missing class in a declaration.
            lines.add("error: the code could not be compiled");
            lines.add(snippet.source().strip());
        }
        return lines;
    }

    /** javac names the class JShell wraps snippets in as an empty "location: class"; it only confuses. */
    private static String withoutWrapperClass(String message) {
        return message.replaceAll("\\n\\s*location: class\\s*$", "");
    }

    /** "error: ... (line N)", the offending line, and a caret under the column. */
    private static List<String> locate(String cell, int position, String message) {
        int lineStart = cell.lastIndexOf('\n', position - 1) + 1;
        int lineEnd = cell.indexOf('\n', position);
        if (lineEnd < 0) lineEnd = cell.length();
        List<String> lines = new ArrayList<>();
        lines.add("error (line " + lineOf(cell, lineStart) + "): " + message);
        lines.add("    " + cell.substring(lineStart, lineEnd));
        lines.add("    " + " ".repeat(position - lineStart) + "^");
        return lines;
    }

    private EvaluationException toEvaluationException(JShellException e) {
        if (e instanceof UnresolvedReferenceException unresolved) {
            String name = unresolved.getSnippet().source().strip();
            return EvaluationException.thrown(
                    "UnresolvedReferenceException",
                    "this uses a declaration that does not compile yet: " + name,
                    List.of());
        }
        EvalException eval = (EvalException) e;
        List<String> trace = new ArrayList<>();
        for (Throwable t = eval; t != null; t = t.getCause()) {
            String name = t instanceof EvalException ee
                    ? ee.getExceptionClassName()
                    : t.getClass().getName();
            if (t != eval) trace.add("Caused by: " + name + (t.getMessage() == null ? "" : ": " + t.getMessage()));
            for (StackTraceElement frame : t.getStackTrace()) {
                if (frame.getClassName().equals(ExitGuard.class.getName())) continue; // the rewritten exit call itself
                if (isKernelFrame(frame)) break; // below the user's code lies only JShell's machinery
                String snippetLine = origins.describe(frame);
                trace.add("    " + (snippetLine != null ? snippetLine : "at " + frame));
            }
        }
        if (eval.getExceptionClassName().equals(ExitGuard.ExitCalled.class.getName())) {
            return new EvaluationException(
                    eval.getExceptionClassName(), eval.getMessage(), trace); // the message says it all
        }
        return EvaluationException.thrown(eval.getExceptionClassName(), eval.getMessage(), trace);
    }

    private static boolean isKernelFrame(StackTraceElement frame) {
        String cls = frame.getClassName();
        return cls.startsWith("jdk.internal.reflect.")
                || cls.startsWith("java.lang.reflect.Method")
                || cls.startsWith("jdk.jshell.")
                || (cls.startsWith("fasttrack.kernel.") && !cls.startsWith("fasttrack.kernel.api."));
    }

    /** How complete the cell is, for the front end's "is_complete" question. */
    Completeness completeness(String cell) {
        Completeness last = Completeness.EMPTY;
        String remaining = cell;
        while (!remaining.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            last = info.completeness();
            if (!last.isComplete()) return last;
            remaining = info.remaining();
        }
        return last;
    }

    /** Completion candidates at {@code cursor}, with the start of the text they replace. */
    Completions complete(String cell, int cursor) {
        Located located = locate(cell, cursor);
        int[] anchor = new int[1];
        List<String> candidates = analysis.completionSuggestions(located.source(), located.cursor(), anchor).stream()
                .map(SourceCodeAnalysis.Suggestion::continuation)
                .distinct()
                .toList();
        return new Completions(candidates, located.start() + anchor[0], cursor);
    }

    /** Signatures and javadoc of what is under the cursor. */
    List<SourceCodeAnalysis.Documentation> documentation(String cell, int cursor) {
        Located located = locate(cell, cursor);
        return analysis.documentation(located.source(), located.cursor(), true);
    }

    record Completions(List<String> candidates, int start, int end) {}

    private record Unit(int leading, String source, int length) {}

    private record Located(String source, int start, int cursor) {}

    /** The snippet that contains {@code cursor}, so analysis sees one snippet, not the whole cell. */
    private Located locate(String cell, int cursor) {
        int offset = 0;
        for (Unit unit : split(cell)) {
            int end = offset + unit.length();
            if (cursor <= end) {
                int start = offset + unit.leading();
                String text = cell.substring(start, Math.max(start, Math.min(end, cell.length())));
                return new Located(text, start, Math.max(0, cursor - start));
            }
            offset = end;
        }
        return new Located(cell.substring(offset), offset, Math.max(0, cursor - offset));
    }

    /**
     * Splits a cell into snippets as JShell sees them. Each unit records where its text begins
     * (after leading whitespace), the source JShell wants (possibly with a semicolon added), and
     * how many characters of the cell it consumed.
     */
    private List<Unit> split(String cell) {
        List<Unit> units = new ArrayList<>();
        String remaining = cell;
        while (!remaining.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            int leading = remaining.length() - remaining.stripLeading().length();
            if (!info.completeness().isComplete() || info.source() == null) {
                // Incomplete or unparsable: hand the rest to JShell whole so its diagnostics explain it.
                units.add(new Unit(leading, remaining.stripLeading(), remaining.length()));
                break;
            }
            int consumed = remaining.length() - info.remaining().length();
            // JShell's source keeps the whitespace before the snippet; drop it so positions start at its text.
            units.add(new Unit(leading, info.source().stripLeading(), consumed));
            remaining = info.remaining();
        }
        return units;
    }

    /** Stops the snippet that is running now, if any. */
    void stop() {
        shell.stop();
    }

    @Override
    public void close() {
        shell.close();
    }
}
