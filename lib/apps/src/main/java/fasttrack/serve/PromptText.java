package fasttrack.serve;

import fasttrack.text.Tokenizer;

/** Checks on the text a model is given, shared by both APIs. */
final class PromptText {

    private PromptText() {}

    /**
     * The tokenizer must give {@code text} back exactly; else a 400 naming the first character it does
     * not know, where it is, and in which field ({@code param}).
     */
    static void requireKnownCharacters(String text, Tokenizer tokenizer, String param) {
        if (tokenizer.decode(tokenizer.encode(text)).equals(text)) return;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            if (!tokenizer.decode(tokenizer.encode(ch)).equals(ch)) {
                throw new ApiException(
                        400,
                        "unknown_character",
                        param,
                        String.format(
                                "the %s has a character the model does not know: '%s' (U+%04X) at position %d; "
                                        + "this model reads only the %d characters of its training text",
                                param.equals("prompt") ? "prompt" : "text of " + param,
                                ch,
                                cp,
                                i,
                                tokenizer.vocabSize() - 1));
            }
            i += Character.charCount(cp);
        }
        throw ApiException.invalid(param, "the " + param + " does not survive tokenization unchanged");
    }

    /**
     * How many tokens to generate: {@code asked} (negative: not asked) must fit in the context after
     * the prompt's {@code promptTokens}; unasked, as many as fit up to {@code fallback}. Else a 400
     * saying what to shorten.
     */
    static int maxTokens(int promptTokens, int asked, int fallback, int context, String param) {
        int room = context - promptTokens;
        if (asked < 0) {
            if (room >= 1) return Math.min(fallback, room);
            throw new ApiException(
                    400,
                    "context_length_exceeded",
                    param,
                    "the prompt (" + promptTokens + " tokens) leaves no room in the context of " + context
                            + " tokens: shorten it to at most " + (context - 1) + " tokens");
        }
        if (promptTokens + asked <= context) return asked;
        throw new ApiException(
                400,
                "context_length_exceeded",
                param,
                "the prompt (" + promptTokens + " tokens) and " + param + " (" + asked + ") do not fit the context of "
                        + context
                        + " tokens: "
                        + (context - asked < 1
                                ? "ask for at most " + (context - 1) + " tokens, and fewer the longer the prompt"
                                : (room >= 1 ? "ask for at most " + room + " tokens or " : "")
                                        + "shorten the prompt to at most " + (context - asked) + " tokens"));
    }
}
