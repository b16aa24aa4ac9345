package fasttrack.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class BackgroundSessionTest {

    @Test
    void startReturnsAtOnceAndGetWaitsForTheSession() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BackgroundSession background = new BackgroundSession();
        JShellSession[] built = new JShellSession[1];
        background.start(() -> {
            release.await();
            built[0] = new JShellSession();
            return built[0];
        });
        assertNull(background.ifStarted(), "still starting: nothing to interrupt or close yet");
        release.countDown();
        try (JShellSession session = background.get()) {
            assertSame(built[0], session);
            assertEquals(2, session.eval("1 + 1").value());
            assertSame(session, background.ifStarted());
        }
    }

    @Test
    void aSessionThatCannotStartIsExplainedToEveryCaller() {
        BackgroundSession background = new BackgroundSession();
        background.start(() -> {
            throw new IllegalArgumentException("no such file or folder: /gone.jar");
        });
        var e = assertThrows(IllegalStateException.class, background::get);
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "the kernel could not start JShell: java.lang.IllegalArgumentException: no such file"),
                e.getMessage());
        assertNull(background.ifStarted());
    }
}
