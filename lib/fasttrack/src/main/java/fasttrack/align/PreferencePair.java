package fasttrack.align;

import fasttrack.text.Tokenizer;

/** A prompt with a preferred answer and a worse one: the data of preference training. */
public record PreferencePair(String task, String prompt, String chosen, String rejected) {

    public PreferencePair {
        new InstructionExample(task, prompt, chosen); // the same checks as an instruction
        new InstructionExample(task, prompt, rejected);
        if (chosen.equals(rejected)) {
            throw new IllegalArgumentException("the chosen and rejected answers to \"" + prompt
                    + "\" are identical: a pair must say which answer is better");
        }
    }

    /** A pair's two answers, each encoded with the prompt: what {@link DpoTrainer} trains on. */
    public record Encoded(EncodedExample chosen, EncodedExample rejected) {}

    /** Both answers encoded for a model with a context of {@code blockSize} tokens. */
    public Encoded encode(Tokenizer tokenizer, int blockSize) {
        return new Encoded(
                EncodedExample.of(new InstructionExample(task, prompt, chosen), tokenizer, blockSize),
                EncodedExample.of(new InstructionExample(task, prompt, rejected), tokenizer, blockSize));
    }
}
