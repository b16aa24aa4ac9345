package fasttrack.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LlamaConfigTest {

    @Test
    void publishedModelsHaveTheirPublishedParameterCounts() {
        assertEquals(6_738_415_616L, LlamaConfig.llama2_7B().parameterCount(), "Llama 2 7B");
        assertEquals(8_030_261_248L, LlamaConfig.llama3_8B().parameterCount(), "Llama 3 8B");
        assertEquals(46_702_792_704L, LlamaConfig.mixtral8x7B().parameterCount(), "Mixtral 8x7B, held");
        assertEquals(12_879_925_248L, LlamaConfig.mixtral8x7B().activeParameterCount(), "Mixtral 8x7B, used per token");
        assertEquals(820_608L, LlamaConfig.kjv(65).parameterCount(), "the course size, 65 characters");
    }

    @Test
    void kvCacheBytesCountKeysAndValuesOfTheKeyValueHeadsOnly() {
        LlamaConfig llama3 = LlamaConfig.llama3_8B();
        assertEquals(1L << 30, llama3.kvCacheBytes(8192, 2), "GQA-8, bfloat16, 8,192 tokens: 1 GiB");
        assertEquals(4L << 30, llama3.withKvHeads(32).kvCacheBytes(8192, 2), "multi-head: 4 GiB");
        assertEquals(128L << 20, llama3.withKvHeads(1).kvCacheBytes(8192, 2), "multi-query: 128 MiB");
    }

    @Test
    void refusalsSayWhatMustDivideWhat() {
        LlamaConfig ok = LlamaConfig.kjv(65);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ok.withKvHeads(3))
                .getMessage()
                .contains("does not divide heads"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ok.withHeads(3))
                .getMessage()
                .contains("not divisible by heads"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> ok.withEmbedDim(132).withHeads(4).withEmbedDim(36))
                .getMessage()
                .contains("even"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ok.withExperts(4, 5))
                .getMessage()
                .contains("topK 5"));
        assertEquals(2, ok.withKvHeads(2).kvHeads());
        assertEquals(8, ok.withHeads(8).kvHeads(), "multi-head stays multi-head when the heads change");
        assertTrue(ok.withExperts(4, 2).isMixture());
        assertEquals(ok, ok.withExperts(4, 2).dense());
    }
}
