package fasttrack.kernel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The kernel's line magics, written at the top of a cell:
 * <pre>
 * %jars lib/*.jar          add jars (globs allowed)
 * %classpath build/classes add folders or jars
 * %maven g:a:v [g:a:v ...] resolve from Maven Central (and ~/.m2) with dependencies, and add
 * </pre>
 * Each returns the entries that go on the classpath.
 */
final class LineMagics {

    /** A cell split into its leading magic lines and the Java code after them. */
    record Parsed(List<String> magicLines, String code, int codeOffset) {}

    private final Map<String, Function<List<String>, List<Path>>> magics;

    private final Supplier<MavenDependencies> mavenFactory;
    private MavenDependencies maven;

    /** @param maven makes the resolver, on the first %maven only: setting it up takes a quarter second */
    LineMagics(Path workingDirectory, Supplier<MavenDependencies> maven) {
        this.mavenFactory = maven;
        this.magics = Map.of(
                "jars", args -> ClasspathEntries.resolveAll(workingDirectory, args),
                "classpath", args -> ClasspathEntries.resolveAll(workingDirectory, args),
                "maven",
                        args -> args.stream()
                                .flatMap(coords -> maven().resolve(coords).stream())
                                .toList());
    }

    private MavenDependencies maven() {
        if (maven == null) maven = mavenFactory.get();
        return maven;
    }

    /** Leading lines that start with {@code %} are magics; the first other line starts the code. */
    static Parsed parse(String cell) {
        List<String> magicLines = new ArrayList<>();
        int offset = 0;
        while (offset < cell.length()) {
            int end = cell.indexOf('\n', offset);
            int next = end < 0 ? cell.length() : end + 1;
            String line = cell.substring(offset, end < 0 ? cell.length() : end).strip();
            if (line.startsWith("%")) {
                magicLines.add(line);
            } else if (!line.isEmpty()) {
                break;
            }
            offset = next;
        }
        return new Parsed(magicLines, cell.substring(offset), offset);
    }

    /** Runs one magic line and returns the classpath entries it produced. */
    List<Path> run(String line) {
        String[] words = line.substring(1).strip().split("\\s+");
        Function<List<String>, List<Path>> magic = magics.get(words[0]);
        if (magic == null) {
            throw new IllegalArgumentException("unknown magic %" + words[0] + "; this kernel knows %"
                    + String.join(", %", magics.keySet().stream().sorted().toList()));
        }
        List<String> args = List.of(words).subList(1, words.length);
        if (args.isEmpty()) {
            throw new IllegalArgumentException("%" + words[0] + " needs at least one argument, e.g. "
                    + ("maven".equals(words[0])
                            ? "%maven org.apache.commons:commons-math3:3.6.1"
                            : "%" + words[0] + " lib/*.jar"));
        }
        return magic.apply(args);
    }
}
