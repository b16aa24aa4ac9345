package fasttrack.align;

/**
 * How a conversation turns into one string the model reads: "Q: " + prompt + "\nA: " + response +
 * "\n". The model learns to answer after "A: " and to end its answer with the stop marker, a newline
 * (a character the KJV model already uses between verses); generation stops there.
 */
public final class ChatTemplate {

    public static final String QUESTION = "Q: ";
    public static final String ANSWER = "\nA: ";
    public static final String STOP = "\n";

    private ChatTemplate() {}

    /** What the model is given: the question and the answer's opening. */
    public static String prompt(String instruction) {
        return QUESTION + instruction + ANSWER;
    }

    /** The whole training text of an example: prompt, response, stop marker. */
    public static String conversation(InstructionExample example) {
        return prompt(example.prompt()) + example.response() + STOP;
    }
}
