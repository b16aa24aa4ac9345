package fasttrack.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager.ResultFlag;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionHistoryTest {

    private static List<String> inputs(List<HistoryEntry> entries) {
        return entries.stream().map(HistoryEntry::getInput).toList();
    }

    @Test
    void tailRangeAndSearch() {
        SessionHistory history = new SessionHistory();
        history.add(1, "int a = 1;", null);
        history.add(2, "a + 1", "2");
        history.add(3, "a + 1", "2");
        Set<ResultFlag> none = EnumSet.noneOf(ResultFlag.class);
        assertEquals(List.of("a + 1", "a + 1"), inputs(history.lookupTail(2, none)));
        assertEquals(List.of("int a = 1;", "a + 1"), inputs(history.lookupRange(0, 1, 3, none)));
        assertEquals(List.of(), history.lookupRange(-1, 1, 3, none), "earlier sessions are not kept");
        assertEquals(List.of("a + 1", "a + 1"), inputs(history.search("a +*", 10, none)));
        assertEquals(List.of("a + 1"), inputs(history.search("a +*", 10, EnumSet.of(ResultFlag.UNIQUE))));
        assertEquals(
                "2",
                history.lookupTail(1, EnumSet.of(ResultFlag.INCLUDE_OUTPUT))
                        .get(0)
                        .getOutput());
    }
}
