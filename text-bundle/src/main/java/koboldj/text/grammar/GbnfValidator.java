package koboldj.text.grammar;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Checks GBNF text the way llama.cpp b4916's grammar parser reads it, before the text goes to
 * native code. Beyond the syntax it checks that "root" and every referenced rule are defined, and
 * bounds what llama.cpp would build from the text: it expands {@code {m,n}} repetitions into
 * copies and rules without a limit and walks the rules recursively on the native stack, so an
 * unbounded grammar could exhaust memory or the stack and end the process.
 */
public final class GbnfValidator {
    static final int MAX_LENGTH = 100_000;
    static final int MAX_REPETITION = 10_000;
    /** Grammar elements after llama.cpp's rewriting of repetitions. */
    static final int MAX_ELEMENTS = 100_000;
    static final int MAX_RULES = 10_000;
    static final int MAX_NESTING = 100;

    private final String text;
    private int pos;
    private int depth;
    private long elements;
    private long rules;
    private final Set<String> defined = new LinkedHashSet<>();
    private final Set<String> referenced = new LinkedHashSet<>();

    private GbnfValidator(String text) {
        this.text = text;
    }

    /** @throws GrammarException with a sentence saying what is wrong, and where */
    public static void check(String gbnf) {
        if (gbnf.length() > MAX_LENGTH) {
            throw new GrammarException("The grammar is longer than " + MAX_LENGTH + " characters.");
        }
        if (gbnf.indexOf('\0') >= 0) {
            throw new GrammarException("The grammar contains a NUL character.");
        }
        new GbnfValidator(gbnf).grammar();
    }

    private void grammar() {
        space(true);
        while (!atEnd()) {
            rule();
        }
        if (!defined.contains("root")) {
            throw new GrammarException("The grammar has no 'root' rule (the rule generation starts from).");
        }
        for (String name : referenced) {
            if (!defined.contains(name)) {
                throw new GrammarException("The grammar uses the rule '" + name + "' but never defines it.");
            }
        }
        if (elements > MAX_ELEMENTS || rules > MAX_RULES) {
            throw new GrammarException("The grammar expands to more than " + MAX_ELEMENTS + " elements or "
                    + MAX_RULES + " rules; reduce its repetitions.");
        }
    }

    private void rule() {
        String name = name();
        space(false);
        if (!text.startsWith("::=", pos)) {
            throw error("expecting '::=' after the rule name '" + name + "'");
        }
        defined.add(name);
        rules++;
        pos += 3;
        space(true);
        alternates(false);
        if (text.startsWith("\r\n", pos)) {
            pos += 2;
        } else if (!atEnd() && (peek() == '\n' || peek() == '\r')) {
            pos++;
        } else if (!atEnd()) {
            throw error("expecting the end of the line");
        }
        space(true);
    }

    private void alternates(boolean nested) {
        if (++depth > MAX_NESTING) {
            throw error("groups nest deeper than " + MAX_NESTING + " levels");
        }
        sequence(nested);
        while (!atEnd() && peek() == '|') {
            pos++;
            space(true);
            sequence(nested);
        }
        depth--;
    }

    private void sequence(boolean nested) {
        long last = -1; // elements of the item a repetition would repeat; -1: none yet
        while (!atEnd()) {
            char c = peek();
            if (c == '"') {
                pos++;
                long chars = 0;
                while (true) {
                    if (atEnd()) {
                        throw error("a string literal is not closed");
                    }
                    if (peek() == '"') {
                        break;
                    }
                    character();
                    chars++;
                }
                pos++;
                last = chars > 0 ? chars : -1; // llama.cpp repeats the elements of an item; "" has none
                elements += chars;
                space(nested);
            } else if (c == '[') {
                pos++;
                if (!atEnd() && peek() == '^') {
                    pos++;
                }
                long items = 0;
                while (true) {
                    if (atEnd()) {
                        throw error("a character class is not closed");
                    }
                    if (peek() == ']') {
                        break;
                    }
                    character();
                    items++;
                    if (!atEnd() && peek() == '-' && pos + 1 < text.length() && text.charAt(pos + 1) != ']') {
                        pos++;
                        character();
                        items++;
                    }
                }
                pos++;
                last = items > 0 ? items : -1;
                elements += items;
                space(nested);
            } else if (isWordChar(c)) {
                referenced.add(name());
                last = 1;
                elements++;
                space(nested);
            } else if (c == '(') {
                pos++;
                space(true);
                rules++;
                alternates(true);
                if (atEnd() || peek() != ')') {
                    throw error("expecting ')'");
                }
                pos++;
                last = 1;
                elements++;
                space(nested);
            } else if (c == '.') {
                pos++;
                last = 1;
                elements++;
                space(nested);
            } else if (c == '*' || c == '+' || c == '?') {
                pos++;
                space(nested);
                repeat(last, c == '+' ? 1 : 0, c == '?' ? 1 : -1);
            } else if (c == '{') {
                pos++;
                space(nested);
                long min = count();
                space(nested);
                long max = min;
                if (!atEnd() && peek() == ',') {
                    pos++;
                    space(nested);
                    max = !atEnd() && Character.isDigit(peek()) ? count() : -1;
                    space(nested);
                }
                if (atEnd() || peek() != '}') {
                    throw error("expecting '}'");
                }
                pos++;
                space(nested);
                if (max >= 0 && max < min) {
                    throw error("a repetition's maximum is below its minimum");
                }
                repeat(last, min, max);
            } else {
                return;
            }
        }
    }

    /** Accounts for llama.cpp's rewriting of a repetition; max -1 means unbounded. */
    private void repeat(long item, long min, long max) {
        if (item < 0) {
            throw error("a repetition (*, +, ? or {}) must follow an item");
        }
        long optional = max < 0 ? 1 : max - min;
        elements += item * Math.max(0, min - 1) + optional * (item + 3) + 1;
        rules += optional;
        if (elements > MAX_ELEMENTS || rules > MAX_RULES) {
            throw error("the grammar expands to more than " + MAX_ELEMENTS + " elements or " + MAX_RULES + " rules");
        }
    }

    private long count() {
        int start = pos;
        while (!atEnd() && Character.isDigit(peek()) && peek() < 128) {
            pos++;
        }
        if (start == pos) {
            throw error("expecting a number");
        }
        if (pos - start > 5 || Long.parseLong(text.substring(start, pos)) > MAX_REPETITION) {
            throw error("a repetition count is above " + MAX_REPETITION);
        }
        return Long.parseLong(text.substring(start, pos));
    }

    private void character() {
        if (peek() != '\\') {
            pos += Character.charCount(text.codePointAt(pos));
            return;
        }
        if (pos + 1 >= text.length()) {
            throw error("unexpected end of the grammar after '\\'");
        }
        char escape = text.charAt(pos + 1);
        switch (escape) {
            case 'x' -> hex(2);
            case 'u' -> hex(4);
            case 'U' -> hex(8);
            case 't', 'r', 'n', '\\', '"', '[', ']', '-' -> pos += 2;
            default -> throw error("unknown escape '\\" + escape + "'");
        }
    }

    private void hex(int digits) {
        pos += 2;
        for (int i = 0; i < digits; i++) {
            if (atEnd() || Character.digit(peek(), 16) < 0 || peek() >= 128) {
                throw error("expecting " + digits + " hex digits");
            }
            pos++;
        }
    }

    private String name() {
        int start = pos;
        while (!atEnd() && isWordChar(peek())) {
            pos++;
        }
        if (start == pos) {
            throw error("expecting a rule name");
        }
        return text.substring(start, pos);
    }

    private void space(boolean newlines) {
        while (!atEnd()) {
            char c = peek();
            if (c == '#') {
                while (!atEnd() && peek() != '\r' && peek() != '\n') {
                    pos++;
                }
            } else if (c == ' ' || c == '\t' || (newlines && (c == '\r' || c == '\n'))) {
                pos++;
            } else {
                return;
            }
        }
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private char peek() {
        return text.charAt(pos);
    }

    private GrammarException error(String what) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < pos && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new GrammarException("The grammar is not valid GBNF: " + what + " at line " + line + ", column " + column + ".");
    }
}
