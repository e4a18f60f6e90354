package koboldj.text.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * A GBNF grammar whose output matches a regular expression as a whole (vLLM's
 * {@code guided_regex}). The practical subset: literals and escapes, {@code .}, character classes
 * (with ranges, negation and {@code \d \w \s}), groups (capturing or {@code (?:...)}),
 * alternation, and the greedy quantifiers {@code * + ? {m} {m,} {m,n}}; a leading {@code ^} and a
 * trailing {@code $} are allowed since the whole output matches anyway. Anything else (anchors
 * elsewhere, backreferences, lookaround, lazy or possessive quantifiers, flags) is rejected.
 */
public final class RegexGrammar {
    static final int MAX_LENGTH = 10_000;
    private static final String DIGIT = "0-9";
    private static final String WORD = "a-zA-Z0-9_";
    private static final String SPACE = " \\t\\n\\r\\x0B\\x0C";
    /** Characters a JSON string holds only escaped. */
    private static final String JSON_UNSAFE = "\"\\\\\\x00-\\x1F";

    private final String regex;
    /** The output is the inside of a JSON string: the pattern applies to the decoded value. */
    private final boolean jsonString;
    private int pos;
    private int depth;

    private RegexGrammar(String regex, boolean jsonString) {
        this.regex = regex;
        this.jsonString = jsonString;
    }

    /** A piece of the expression as GBNF, and whether it can match the empty string. */
    private record Part(String gbnf, boolean nullable) {
    }

    /** @throws GrammarException naming what is not supported, and where */
    public static String of(String regex) {
        return of(regex, false);
    }

    /**
     * The grammar of the inside of a JSON string (between the quotes) whose value matches
     * {@code regex}: a '"' or '\\' the pattern asks for is written escaped. What '.', a negated
     * class or {@code \D \W \S} match leaves out '"', '\\' and control characters, and a class
     * leaves out control characters, so the output is always a valid JSON string (such values are
     * never produced, which keeps the output matching).
     */
    static String ofJsonString(String regex) {
        return of(regex, true);
    }

    private static String of(String regex, boolean jsonString) {
        if (regex.length() > MAX_LENGTH) {
            throw new GrammarException("It is longer than " + MAX_LENGTH + " characters.");
        }
        RegexGrammar parser = new RegexGrammar(regex, jsonString);
        if (parser.more() && parser.peek() == '^') {
            parser.pos++;
        }
        String body = parser.alternation().gbnf();
        if (parser.more()) {
            throw parser.error(parser.peek() == ')' ? "an unmatched ')'" : "'" + parser.peek() + "'");
        }
        String gbnf = "root ::= " + body + "\n";
        GbnfValidator.check(gbnf);
        return gbnf;
    }

    private Part alternation() {
        if (++depth > GbnfValidator.MAX_NESTING) {
            throw error("groups nested too deeply");
        }
        Part first = sequence();
        StringBuilder out = new StringBuilder(first.gbnf());
        boolean nullable = first.nullable();
        while (more() && peek() == '|') {
            pos++;
            Part next = sequence();
            out.append(" | ").append(next.gbnf());
            nullable |= next.nullable();
        }
        depth--;
        return new Part(out.toString(), nullable);
    }

    private Part sequence() {
        StringBuilder out = new StringBuilder();
        boolean nullable = true;
        while (more() && peek() != '|' && peek() != ')') {
            if (peek() == '$' && pos == regex.length() - 1 && depth == 1) {
                pos++;
                break;
            }
            Part atom = quantified(atom());
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append(atom.gbnf());
            nullable &= atom.nullable();
        }
        return new Part(out.isEmpty() ? "\"\"" : out.toString(), nullable);
    }

    /** A single item; only a group can match the empty string. */
    private Part atom() {
        if (peek() == '(') {
            pos++;
            if (regex.startsWith("?:", pos)) {
                pos += 2;
            } else if (more() && peek() == '?') {
                throw error("'(?' (lookaround, named groups and flags are not supported)");
            }
            Part inner = alternation();
            if (!more() || peek() != ')') {
                throw error("a group that is not closed");
            }
            pos++;
            return new Part("(" + inner.gbnf() + ")", inner.nullable());
        }
        return new Part(single(), false);
    }

    private String single() {
        char c = peek();
        switch (c) {
            case '[' -> {
                return characterClass();
            }
            case '.' -> {
                pos++;
                return jsonString ? "[^" + JSON_UNSAFE + "]" : "[^\\n\\r]";
            }
            case '\\' -> {
                return escapeOutsideClass();
            }
            case '*', '+', '?', '{' -> throw error("a quantifier with nothing before it");
            case '^', '$' -> throw error("an anchor other than a leading '^' or a trailing '$'");
            default -> {
                int codePoint = regex.codePointAt(pos);
                pos += Character.charCount(codePoint);
                return literal(codePoint);
            }
        }
    }

    /** One character as the output holds it: in a JSON string, escaped as JSON escapes it. */
    private String literal(int codePoint) {
        if (!jsonString) {
            return Gbnf.literal(Character.toString(codePoint));
        }
        String escaped = switch (codePoint) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            default -> codePoint < 0x20 ? String.format("\\u%04x", codePoint) : Character.toString(codePoint);
        };
        return Gbnf.literal(escaped);
    }

    private Part quantified(Part atom) {
        if (!more()) {
            return atom;
        }
        String quantifier;
        switch (peek()) {
            case '*', '+', '?' -> {
                quantifier = Character.toString(peek());
                pos++;
            }
            case '{' -> {
                int close = regex.indexOf('}', pos);
                if (close < 0 || !regex.substring(pos + 1, close).matches("\\d{1,5}(,\\d{0,5})?")) {
                    throw error("'{' that is not a repetition {m}, {m,} or {m,n}");
                }
                quantifier = regex.substring(pos, close + 1);
                pos = close + 1;
            }
            default -> {
                return atom;
            }
        }
        if (more() && (peek() == '?' || peek() == '+' || peek() == '*' || peek() == '{')) {
            throw error("a lazy, possessive or repeated quantifier");
        }
        boolean unbounded = quantifier.equals("*") || quantifier.equals("+") || quantifier.endsWith(",}");
        if (unbounded && atom.nullable()) {
            // llama.cpp rewrites S* as S' ::= S S' | , which is left-recursive when S can be empty
            throw error("an unbounded repetition of a group that can be empty, such as (a*)*");
        }
        boolean optional = quantifier.equals("*") || quantifier.equals("?") || quantifier.matches("\\{0[,}].*");
        return new Part(atom.gbnf() + quantifier, atom.nullable() || optional);
    }

    private String escapeOutsideClass() {
        if (pos + 1 >= regex.length()) {
            throw error("a '\\' at the end");
        }
        char c = regex.charAt(pos + 1);
        pos += 2;
        return switch (c) {
            case 'd' -> "[" + DIGIT + "]";
            case 'w' -> "[" + WORD + "]";
            case 's' -> jsonString ? "(\" \" | \"\\\\t\" | \"\\\\n\" | \"\\\\r\" | \"\\\\f\" | \"\\\\u000b\")" : "[" + SPACE + "]";
            case 'D' -> "[^" + DIGIT + unsafe() + "]";
            case 'W' -> "[^" + WORD + unsafe() + "]";
            case 'S' -> "[^" + SPACE + unsafe() + "]";
            default -> literal(escapedChar(c));
        };
    }

    /** The character a simple escape stands for; rejects the escapes this subset does not support. */
    private int escapedChar(char c) {
        return switch (c) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'f' -> '\f';
            case 'v' -> 0x0B;
            default -> {
                if (Character.isLetterOrDigit(c)) {
                    pos -= 2;
                    throw error("the escape '\\" + c + "'");
                }
                yield c;
            }
        };
    }

    private String characterClass() {
        pos++;
        StringBuilder out = new StringBuilder("[");
        boolean negated = more() && peek() == '^';
        if (negated) {
            out.append('^').append(unsafe());
            pos++;
        }
        // a positive class in a JSON string: its '"' and '\\' become escaped alternatives, control characters drop out
        List<String> escapedMembers = new ArrayList<>();
        boolean first = true;
        while (true) {
            if (!more()) {
                throw error("a character class that is not closed");
            }
            char c = peek();
            if (c == ']' && !first) {
                pos++;
                break;
            }
            if (c == '[') {
                throw error("'[' inside a character class (nested classes are not supported)");
            }
            first = false;
            if (c == '\\' && pos + 1 < regex.length() && "dws".indexOf(regex.charAt(pos + 1)) >= 0) {
                char shorthand = regex.charAt(pos + 1);
                out.append(shorthand == 'd' ? DIGIT : shorthand == 'w' ? WORD : jsonString && !negated ? " " : SPACE);
                pos += 2;
                continue;
            }
            int from = classChar();
            int to = from;
            if (more() && peek() == '-' && pos + 1 < regex.length() && regex.charAt(pos + 1) != ']') {
                pos++;
                to = classChar();
                if (to < from) {
                    throw error("a range whose end comes before its start");
                }
            }
            if (jsonString && !negated) {
                appendJsonSafe(out, escapedMembers, from, to);
            } else {
                out.append(Gbnf.escape(from, true));
                if (to != from) {
                    out.append('-').append(Gbnf.escape(to, true));
                }
            }
        }
        String characterClass = out.append(']').toString();
        if (escapedMembers.isEmpty()) {
            if (characterClass.equals("[]")) {
                throw error("a character class that holds only control characters, inside a JSON string");
            }
            return characterClass;
        }
        if (!characterClass.equals("[]")) {
            escapedMembers.addFirst(characterClass);
        }
        return "(" + String.join(" | ", escapedMembers) + ")";
    }

    /** The range from..to without '"', '\\' and control characters; those two become escaped alternatives. */
    private void appendJsonSafe(StringBuilder out, List<String> escapedMembers, int from, int to) {
        int start = Math.max(from, 0x20);
        for (int cut : new int[] {'"', '\\'}) {
            if (start <= cut && cut <= to) {
                if (start < cut) {
                    appendRange(out, start, cut - 1);
                }
                escapedMembers.add(literal(cut));
                start = cut + 1;
            }
        }
        if (start <= to) {
            appendRange(out, start, to);
        }
    }

    private static void appendRange(StringBuilder out, int from, int to) {
        out.append(Gbnf.escape(from, true));
        if (to != from) {
            out.append('-').append(Gbnf.escape(to, true));
        }
    }

    /** What a negated class must also leave out inside a JSON string. */
    private String unsafe() {
        return jsonString ? JSON_UNSAFE : "";
    }

    private int classChar() {
        if (peek() == '\\') {
            if (pos + 1 >= regex.length()) {
                throw error("a '\\' at the end");
            }
            char c = regex.charAt(pos + 1);
            pos += 2;
            if ("DWS".indexOf(c) >= 0) {
                pos -= 2;
                throw error("'\\" + c + "' inside a character class");
            }
            return escapedChar(c);
        }
        int codePoint = regex.codePointAt(pos);
        pos += Character.charCount(codePoint);
        return codePoint;
    }

    private boolean more() {
        return pos < regex.length();
    }

    private char peek() {
        return regex.charAt(pos);
    }

    private GrammarException error(String what) {
        return new GrammarException("It is not in the supported regular expression subset: " + what + " at position " + pos + ".");
    }
}
