package fasttrack.align;

/**
 * One instruction and the answer we want: {@code task} names where it came from ("define",
 * "continue"), {@code prompt} is what the user asks, {@code response} the answer the model should give.
 */
public record InstructionExample(String task, String prompt, String response) {

    public InstructionExample {
        if (prompt == null || prompt.isBlank())
            throw new IllegalArgumentException("an instruction needs a prompt, got an empty one");
        if (response == null || response.isBlank()) {
            throw new IllegalArgumentException(
                    "the response to \"" + prompt + "\" is empty: a model cannot learn to answer from nothing");
        }
        if (response.contains(ChatTemplate.STOP)) {
            throw new IllegalArgumentException(
                    "the response to \"" + prompt + "\" contains the stop marker (a newline): put it on one line");
        }
    }
}
