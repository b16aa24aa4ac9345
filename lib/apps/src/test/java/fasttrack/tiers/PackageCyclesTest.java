package fasttrack.tiers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library's packages form no cycle: each can be read after the ones it uses. Maven's modules keep
 * the tiers apart (support below the course below the applications); this keeps the packages inside
 * a tier in order too. Read from the sources of all three tiers, where every reference to another
 * package is spelled {@code fasttrack.pkg.Type} (imports, qualified names and javadoc links alike).
 */
class PackageCyclesTest {

    private static final Pattern PACKAGE = Pattern.compile("^package fasttrack\\.([a-z]+);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\bfasttrack\\.([a-z]+)\\.[A-Z]");
    private static final List<String> TIERS = List.of("support", "fasttrack", "apps");

    static Map<String, Set<String>> uses() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        for (String tier : TIERS) {
            try (Stream<Path> files = Files.walk(Path.of("..", tier, "src/main/java"))) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(file);
                    Matcher p = PACKAGE.matcher(source);
                    if (!p.find()) continue;
                    Set<String> used = uses.computeIfAbsent(p.group(1), k -> new TreeSet<>());
                    Matcher r = REFERENCE.matcher(source);
                    while (r.find()) if (!r.group(1).equals(p.group(1))) used.add(r.group(1));
                }
            }
        }
        return uses;
    }

    /** The cycles among packages (strongly connected components of two or more), by Tarjan's algorithm. */
    static List<Set<String>> cycles(Map<String, Set<String>> uses) {
        List<Set<String>> cycles = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>(), low = new HashMap<>();
        List<String> stack = new ArrayList<>();
        for (String p : uses.keySet()) if (!index.containsKey(p)) visit(p, uses, index, low, stack, cycles);
        return cycles;
    }

    private static void visit(
            String p,
            Map<String, Set<String>> uses,
            Map<String, Integer> index,
            Map<String, Integer> low,
            List<String> stack,
            List<Set<String>> cycles) {
        index.put(p, index.size());
        low.put(p, index.get(p));
        stack.add(p);
        for (String q : uses.getOrDefault(p, Set.of())) {
            if (!index.containsKey(q)) {
                visit(q, uses, index, low, stack, cycles);
                low.put(p, Math.min(low.get(p), low.get(q)));
            } else if (stack.contains(q)) {
                low.put(p, Math.min(low.get(p), index.get(q)));
            }
        }
        if (low.get(p).equals(index.get(p))) {
            Set<String> component = new TreeSet<>();
            String q;
            do {
                q = stack.remove(stack.size() - 1);
                component.add(q);
            } while (!q.equals(p));
            if (component.size() > 1) cycles.add(component);
        }
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> uses = uses();
        assertTrue(uses.size() > 20, "read every tier's packages: " + uses.keySet());
        assertEquals(List.of(), cycles(uses), "packages that use each other in a circle: " + uses);
    }

    @Test
    void theCheckFindsACycle() {
        Map<String, Set<String>> circle =
                Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertEquals(List.of(Set.of("a", "b", "c")), cycles(circle));
    }
}
