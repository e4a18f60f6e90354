package koboldj.text.grammar;

/** Writing GBNF text: literals and rule names. */
final class Gbnf {
    private Gbnf() {
    }

    /** A GBNF string literal matching exactly {@code text}. */
    static String literal(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().forEach(c -> out.append(escape(c, false)));
        return out.append('"').toString();
    }

    /** One character escaped for a literal, or for a character class when {@code inClass}. */
    static String escape(int c, boolean inClass) {
        return switch (c) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '[', ']', '-', '^' -> inClass ? "\\" + (c == '^' ? "x5E" : Character.toString(c)) : Character.toString(c);
            default -> c < 0x20 || c == 0x7F ? String.format("\\x%02X", c) : Character.toString(c);
        };
    }

    /** A rule name made of the characters GBNF allows (letters, digits, '-'). */
    static String ruleName(String text) {
        String name = text.replaceAll("[^a-zA-Z0-9-]+", "-");
        return name.isEmpty() ? "r" : name;
    }
}
