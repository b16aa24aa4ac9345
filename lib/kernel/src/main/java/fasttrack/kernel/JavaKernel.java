package fasttrack.kernel;

import fasttrack.kernel.api.Jupyter;
import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.Documentation;

/** A Jupyter kernel for Java: each cell is evaluated by one long-lived JShell running in this JVM. */
public final class JavaKernel extends BaseKernel {

    /** Imports every cell starts with: JShell's usual ones plus the kernel's {@code display(...)}. */
    static final String DEFAULT_IMPORTS = String.join(
            "\n",
            "import java.io.*;",
            "import java.math.*;",
            "import java.net.*;",
            "import java.nio.file.*;",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "import java.util.function.*;",
            "import java.util.regex.*;",
            "import java.util.stream.*;",
            "import static fasttrack.kernel.api.Jupyter.*;");

    /** How long a line without its newline (a progress bar) waits before it is shown anyway. */
    static final long PARTIAL_LINE_DELAY_MILLIS = 150;

    private static final ScheduledExecutorService FLUSH_TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "output-flush");
        thread.setDaemon(true);
        return thread;
    });

    private final BackgroundSession session = new BackgroundSession();
    private final Path workingDirectory = Path.of("").toAbsolutePath();
    private final List<Path> classpath;
    private final String startup;
    private final SessionHistory history = new SessionHistory();
    private final LineMagics magics;
    private final Set<String> shownDisplayIds = ConcurrentHashMap.newKeySet();
    private final PrintStream out = lineBuffered(getIO().out);
    private final PrintStream err = lineBuffered(getIO().err);
    private final LanguageInfo languageInfo = new LanguageInfo.Builder("java")
            .version(Runtime.version().toString())
            .mimetype("text/x-java-source")
            .fileExtension(".java")
            .pygments("java")
            .codemirror("text/x-java")
            .build();

    /** @throws IllegalArgumentException naming a classpath entry of the kernelspec that does not exist */
    public JavaKernel(KernelConfig config) {
        this.magics = new LineMagics(workingDirectory, MavenDependencies::withDefaultLocalRepository);
        this.classpath = ClasspathEntries.resolveAll(workingDirectory, config.classpath());
        this.startup = config.startup();
        Jupyter.attach(this::displayFromCell);
    }

    /** Starts JShell in the background; call once the kernel answers requests, so kernel_info need not wait for it. */
    public void startSession() {
        session.start(() -> {
            JShellSession shell = new JShellSession();
            shell.addToClasspath(ownJar()); // makes fasttrack.kernel.api visible to cells
            for (Path entry : classpath) shell.addToClasspath(entry);
            shell.eval(DEFAULT_IMPORTS); // javac's first compile: the slow part of starting
            if (!startup.isBlank()) shell.eval(startup);
            return shell;
        });
    }

    private static Path ownJar() throws URISyntaxException {
        return Path.of(JavaKernel.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    }

    /** A cell's output stream: whole lines, and a partial line after {@link #PARTIAL_LINE_DELAY_MILLIS}. */
    private static PrintStream lineBuffered(PrintStream jupyter) {
        return new PrintStream(new LineBufferedOutput(jupyter, FLUSH_TIMER, PARTIAL_LINE_DELAY_MILLIS), false);
    }

    private void displayFromCell(Object value, String displayId) {
        out.flush(); // what the cell printed before display(...) shows before it
        err.flush();
        DisplayData data = MimeRenderer.render(value, null);
        if (displayId == null) {
            display(data);
            return;
        }
        data.setDisplayId(displayId);
        // The first display of an id creates the output; later ones replace it in place.
        if (shownDisplayIds.add(displayId)) display(data);
        else getIO().display.updateDisplay(data);
    }

    @Override
    public DisplayData eval(String cell) throws Exception {
        int number = executionCount.get() - 1; // the base class has already counted this cell
        String output = null;
        try {
            LineMagics.Parsed parsed = LineMagics.parse(cell);
            for (String line : parsed.magicLines()) {
                for (Path entry : magics.run(line)) session.get().addToClasspath(entry);
            }
            CellResult result = evalWithLineBufferedOutput(parsed.code());
            if (!result.hasValue()) return null;
            DisplayData data = MimeRenderer.render(result.value(), result.text());
            output = result.text();
            return data;
        } finally {
            history.add(number, cell, output);
        }
    }

    /** The base kernel points System.out at Jupyter for each request; the cell writes through a line buffer instead. */
    private CellResult evalWithLineBufferedOutput(String code) throws Exception {
        JShellSession shell = session.get();
        // Results render on this thread; libraries (DJL) look up their classes through its context loader.
        Thread.currentThread().setContextClassLoader(shell.classLoader());
        System.setOut(out);
        System.setErr(err);
        try {
            return shell.eval(code);
        } finally {
            out.flush(); // the last, unfinished line, while the request's streams are still attached
            err.flush();
        }
    }

    @Override
    public List<String> formatError(Exception e) {
        if (e instanceof CompilationException compile) {
            return compile.lines().stream().map(errorStyler::secondary).toList();
        }
        if (e instanceof EvaluationException failure) {
            List<String> lines = new ArrayList<>();
            lines.add(errorStyler.primary(failure.getMessage()));
            failure.trace().forEach(line -> lines.add(errorStyler.secondary(line)));
            return lines;
        }
        if (e instanceof IllegalArgumentException) {
            return List.of(errorStyler.secondary(e.getMessage())); // a user mistake (bad magic, missing jar): no stack
        }
        return super.formatError(e);
    }

    @Override
    public String isComplete(String code) {
        String java = LineMagics.parse(code).code();
        if (java.isBlank()) return IS_COMPLETE_YES;
        Completeness completeness = session.get().completeness(java);
        return switch (completeness) {
            case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> "    "; // indent for the next line
            case UNKNOWN -> IS_COMPLETE_BAD;
            default -> IS_COMPLETE_YES;
        };
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        LineMagics.Parsed parsed = LineMagics.parse(code);
        if (at < parsed.codeOffset()) return null;
        JShellSession.Completions completions = session.get().complete(parsed.code(), at - parsed.codeOffset());
        return new ReplacementOptions(
                completions.candidates(),
                completions.start() + parsed.codeOffset(),
                completions.end() + parsed.codeOffset());
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        LineMagics.Parsed parsed = LineMagics.parse(code);
        if (at < parsed.codeOffset()) return null;
        JShellSession shell = session.get();
        List<Documentation> docs = shell.documentation(parsed.code(), at - parsed.codeOffset());
        if (docs.isEmpty()) {
            // JShell documents calls, not bare names: ask again as if the call had begun (Math.max -> Math.max().
            String opened = parsed.code().substring(0, at - parsed.codeOffset()) + "(";
            docs = shell.documentation(opened, opened.length());
        }
        if (docs.isEmpty()) return null;
        String text = docs.stream()
                .map(d -> d.javadoc() == null || d.javadoc().isBlank()
                        ? d.signature()
                        : d.signature() + "\n\n" + d.javadoc())
                .collect(Collectors.joining("\n\n"));
        return new DisplayData(text);
    }

    @Override
    public void becomeHandlerForConnection(JupyterConnection connection) {
        super.becomeHandlerForConnection(connection);
        StatusReplies.register(connection, this, KERNEL_META.get("project"), KERNEL_META.get("version"));
    }

    @Override
    public HistoryManager getHistoryManager() {
        return history;
    }

    @Override
    public LanguageInfo getLanguageInfo() {
        return languageInfo;
    }

    @Override
    public String getBanner() {
        return "Java " + Runtime.version() + " (JShell) - LLM FastTrack kernel";
    }

    @Override
    public void interrupt() {
        JShellSession shell = session.ifStarted();
        if (shell != null) shell.stop();
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        JShellSession shell = session.ifStarted();
        if (shell != null) shell.close();
    }
}
