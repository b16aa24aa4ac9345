package fasttrack.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineMagicsTest {

    @TempDir
    Path dir;

    private LineMagics magics() {
        return new LineMagics(dir, () -> new MavenDependencies(dir.resolve("m2")));
    }

    @Test
    void leadingPercentLinesAreMagicsAndTheRestIsCode() {
        LineMagics.Parsed parsed = LineMagics.parse("%jars a.jar\n\n%classpath out\nint x = 1 % 2;\n%notMagic");
        assertEquals(List.of("%jars a.jar", "%classpath out"), parsed.magicLines());
        assertEquals("int x = 1 % 2;\n%notMagic", parsed.code());
        assertEquals("%jars a.jar\n\n%classpath out\n".length(), parsed.codeOffset());
    }

    @Test
    void jarsExpandsGlobsInAStableOrder() throws Exception {
        Files.createDirectories(dir.resolve("lib"));
        Files.createFile(dir.resolve("lib/b.jar"));
        Files.createFile(dir.resolve("lib/a.jar"));
        Files.createFile(dir.resolve("lib/notes.txt"));
        assertEquals(List.of(dir.resolve("lib/a.jar"), dir.resolve("lib/b.jar")), magics().run("%jars lib/*"));
    }

    @Test
    void missingFilesAndUnknownMagicsAreExplained() {
        var missing = assertThrows(IllegalArgumentException.class, () -> magics().run("%classpath nowhere"));
        assertTrue(missing.getMessage().startsWith("no such file or folder"), missing.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> magics().run("%pip install torch"));
        assertEquals("unknown magic %pip; this kernel knows %classpath, %jars, %maven", unknown.getMessage());
        var empty = assertThrows(IllegalArgumentException.class, () -> magics().run("%maven"));
        assertTrue(empty.getMessage().contains("%maven org.apache.commons"), empty.getMessage());
    }

    @Test
    void mavenRejectsMalformedCoordinates() {
        var e = assertThrows(IllegalArgumentException.class, () -> magics().run("%maven just-a-name"));
        assertTrue(e.getMessage().contains("is not group:artifact:version"), e.getMessage());
    }
}
