package fasttrack.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonSerializationContext;
import com.google.gson.JsonSerializer;
import com.google.gson.annotations.JsonAdapter;
import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager.ResultFlag;
import io.github.spencerpark.jupyter.messages.Header;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.reply.HistoryReply;
import io.github.spencerpark.jupyter.messages.reply.KernelInfoReply;
import io.github.spencerpark.jupyter.messages.request.HistoryRequest;
import java.lang.reflect.Type;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * kernel_info and history replies that carry {@code "status": "ok"}.
 *
 * <p>Protocol 5 requires a status in every reply; the base library leaves it out of these two, and
 * strict clients (jupyter_kernel_test validates every message) reject them. Its history entries
 * also go out as JSON objects instead of the protocol's arrays; {@link WireEntry} fixes that.
 */
final class StatusReplies {

    private StatusReplies() {}

    private static final class KernelInfoOk extends KernelInfoReply {
        @SuppressWarnings("unused") // serialized
        private final String status = "ok";

        KernelInfoOk(BaseKernel kernel, String implementation, String version) {
            super(
                    Header.PROTOCOL_VERISON,
                    implementation,
                    version,
                    kernel.getLanguageInfo(),
                    kernel.getBanner(),
                    kernel.getHelpLinks());
        }
    }

    private static final class HistoryOk extends HistoryReply {
        @SuppressWarnings("unused") // serialized
        private final String status = "ok";

        HistoryOk(List<HistoryEntry> history) {
            super(history.stream().<HistoryEntry>map(WireEntry::new).toList());
        }
    }

    /** The protocol's [session, line, input] or [session, line, [input, output]] triple. */
    @JsonAdapter(WireEntry.AsArray.class)
    static final class WireEntry extends HistoryEntry {
        WireEntry(HistoryEntry e) {
            super(e.getSession(), e.getCellNumber(), e.getInput(), e.hasOutput() ? e.getOutput() : null);
        }

        static final class AsArray implements JsonSerializer<WireEntry> {
            @Override
            public JsonElement serialize(WireEntry entry, Type type, JsonSerializationContext context) {
                JsonArray triple = new JsonArray();
                triple.add(entry.getSession());
                triple.add(entry.getCellNumber());
                if (entry.hasOutput()) {
                    JsonArray inOut = new JsonArray();
                    inOut.add(entry.getInput());
                    inOut.add(entry.getOutput());
                    triple.add(inOut);
                } else {
                    triple.add(entry.getInput());
                }
                return triple;
            }
        }
    }

    static void register(JupyterConnection connection, BaseKernel kernel, String implementation, String version) {
        connection.setHandler(MessageType.KERNEL_INFO_REQUEST, (env, message) -> {
            env.setBusyDeferIdle();
            env.reply(new KernelInfoOk(kernel, implementation, version));
        });
        connection.setHandler(MessageType.HISTORY_REQUEST, (env, message) -> {
            env.setBusyDeferIdle();
            env.reply(new HistoryOk(lookup(kernel.getHistoryManager(), message.getContent())));
        });
    }

    private static List<HistoryEntry> lookup(HistoryManager history, HistoryRequest request) {
        Set<ResultFlag> flags = EnumSet.noneOf(ResultFlag.class);
        if (request.includeOutput()) flags.add(ResultFlag.INCLUDE_OUTPUT);
        if (!request.useRaw()) flags.add(ResultFlag.TRANSFORMED_INPUT);
        return switch (request.getAccessType()) {
            case TAIL -> history.lookupTail(((HistoryRequest.Tail) request).getMaxReturnLength(), flags);
            case RANGE -> {
                HistoryRequest.Range range = (HistoryRequest.Range) request;
                yield history.lookupRange(range.getSessionIndex(), range.getStart(), range.getStop(), flags);
            }
            case SEARCH -> {
                HistoryRequest.Search search = (HistoryRequest.Search) request;
                if (search.filterUnique()) flags.add(ResultFlag.UNIQUE);
                yield history.search(search.getPattern(), search.getMaxReturnLength(), flags);
            }
        };
    }
}
