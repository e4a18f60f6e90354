package koboldj.text.http.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JinjavaDialectTest {

    @Test
    void namespaceKeywordArgumentsGetParentheses() {
        assertEquals("{% set ns = namespace(a=(f(1, 2)), b=('x,)'), c=(xs|length - 1)) %}{{ namespace() }}{{ f(a == b) }}",
                JinjavaDialect.rewrite("{% set ns = namespace(a=f(1, 2), b='x,)', c=xs|length - 1) %}{{ namespace() }}{{ f(a == b) }}"));
    }

    @Test
    void reversingSliceBecomesTheFilter() {
        assertEquals("{% for m in messages|reverse %}", JinjavaDialect.rewrite("{% for m in messages[::-1] %}"));
    }
}
