package koboldj.text.http.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

/** Real chat templates, as popular GGUF files carry them in tokenizer.chat_template, against hand-written prompts. */
class JinjaChatTemplateTest {
    private static final List<ChatFormat.Message> CHAT = List.of(new ChatFormat.Message("system", "Be brief."),
            new ChatFormat.Message("user", "Hi"), new ChatFormat.Message("assistant", "Hello."),
            new ChatFormat.Message("user", "Bye"));
    private static final List<ChatFormat.Message> NO_SYSTEM = CHAT.subList(1, 4);

    /** Meta-Llama-3-8B-Instruct (the JSON's \n already decoded, as GGUF stores it). */
    static final String LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
            + "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}"
            + "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

    /** Qwen2.5-Instruct (ChatML with tools and a default system prompt). */
    static final String QWEN25 = """
            {%- if tools %}
                {{- '<|im_start|>system\\n' }}
                {%- if messages[0]['role'] == 'system' %}
                    {{- messages[0]['content'] }}
                {%- else %}
                    {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
                {%- endif %}
                {{- "\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>" }}
                {%- for tool in tools %}
                    {{- "\\n" }}
                    {{- tool | tojson }}
                {%- endfor %}
                {{- "\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}\\n</tool_call><|im_end|>\\n" }}
            {%- else %}
                {%- if messages[0]['role'] == 'system' %}
                    {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
                {%- else %}
                    {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}
                {%- endif %}
            {%- endif %}
            {%- for message in messages %}
                {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
                    {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
                {%- elif message.role == "assistant" %}
                    {{- '<|im_start|>' + message.role }}
                    {%- if message.content %}
                        {{- '\\n' + message.content }}
                    {%- endif %}
                    {%- for tool_call in message.tool_calls %}
                        {%- if tool_call.function is defined %}
                            {%- set tool_call = tool_call.function %}
                        {%- endif %}
                        {{- '\\n<tool_call>\\n{"name": "' }}
                        {{- tool_call.name }}
                        {{- '", "arguments": ' }}
                        {{- tool_call.arguments | tojson }}
                        {{- '}\\n</tool_call>' }}
                    {%- endfor %}
                    {{- '<|im_end|>\\n' }}
                {%- elif message.role == "tool" %}
                    {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
                        {{- '<|im_start|>user' }}
                    {%- endif %}
                    {{- '\\n<tool_response>\\n' }}
                    {{- message.content }}
                    {{- '\\n</tool_response>' }}
                    {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
                        {{- '<|im_end|>\\n' }}
                    {%- endif %}
                {%- endif %}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|im_start|>assistant\\n' }}
            {%- endif %}
            """;

    /** gemma-2-9b-it: no system role, alternation enforced with raise_exception, "model" for the assistant. */
    static final String GEMMA2 = "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
            + "{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
            + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
            + "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}"
            + "{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}";

    private static String render(String template, List<ChatFormat.Message> messages, String bos, String eos) {
        return new JinjaChatTemplate(template).render(messages, bos, eos, true);
    }

    @Test
    void llama3Instruct() {
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                render(LLAMA3, CHAT, "<|begin_of_text|>", "<|end_of_text|>"));
        assertEquals("<s><|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
                render(LLAMA3, List.of(new ChatFormat.Message("user", "  Hi there \n")), "<s>", ""),
                "| trim binds to the content only, as in Jinja");
    }

    @Test
    void qwen25Instruct() {
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n",
                render(QWEN25, CHAT, "", "<|im_end|>"));
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n"
                + "<|im_start|>assistant\n", render(QWEN25, NO_SYSTEM, "", "<|im_end|>"));
    }

    @Test
    void gemma2() {
        assertEquals("<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\nHello.<end_of_turn>\n"
                + "<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n", render(GEMMA2, NO_SYSTEM, "<bos>", "<eos>"));
        JinjaChatTemplate.Refused system = assertThrows(JinjaChatTemplate.Refused.class, () -> render(GEMMA2, CHAT, "<bos>", "<eos>"));
        assertEquals("System role not supported", system.getMessage());
        JinjaChatTemplate.Refused order = assertThrows(JinjaChatTemplate.Refused.class,
                () -> render(GEMMA2, List.of(new ChatFormat.Message("assistant", "Hi")), "<bos>", "<eos>"));
        assertTrue(order.getMessage().startsWith("Conversation roles must alternate"), order.getMessage());
    }

    private static String resource(String name) throws java.io.IOException {
        try (var in = JinjaChatTemplateTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Mistral-7B-Instruct-v0.3 (namespace, selectattr, slices, tools), kept as a file: it is long. */
    @Test
    void mistral7bInstructV03() throws Exception {
        String mistral = resource("mistral-7b-instruct-v0.3.jinja");
        assertEquals("<s>[INST] Hi[/INST] Hello.</s>[INST] Be brief.\n\nBye[/INST]", render(mistral, CHAT, "<s>", "</s>"));
        assertEquals("<s>[INST] Hi[/INST] Hello.</s>[INST] Bye[/INST]", render(mistral, NO_SYSTEM, "<s>", "</s>"));
        JinjaChatTemplate.Refused order = assertThrows(JinjaChatTemplate.Refused.class,
                () -> render(mistral, List.of(new ChatFormat.Message("user", "a"), new ChatFormat.Message("user", "b")), "<s>", "</s>"));
        assertTrue(order.getMessage().startsWith("After the optional system message, conversation roles must alternate"));
    }

    /** Llama-3.2-Instruct: today's date through strftime_now, the system message moved, messages[1:]. */
    @Test
    void llama32Instruct() throws Exception {
        String today = LocalDate.now().format(DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ROOT));
        String system = "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: " + today + "\n\n";
        String turns = "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
        String llama = resource("llama-3.2-instruct.jinja");
        assertEquals("<|begin_of_text|>" + system + "Be brief.<|eot_id|>" + turns, render(llama, CHAT, "<|begin_of_text|>", ""));
        assertEquals("<|begin_of_text|>" + system + "<|eot_id|>" + turns, render(llama, NO_SYSTEM, "<|begin_of_text|>", ""));
    }

    /** Qwen3: walks the messages backwards, drops the reasoning of earlier turns with split and lstrip. */
    @Test
    void qwen3() throws Exception {
        String qwen3 = resource("qwen3.jinja");
        List<ChatFormat.Message> thought = List.of(CHAT.get(0), CHAT.get(1),
                new ChatFormat.Message("assistant", "<think>\nThey greet me.\n</think>\n\nHello."), CHAT.get(3));
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n",
                render(qwen3, thought, "", "<|im_end|>"));
    }

    @Test
    void namespaceLoopHelpersAndStrftimeNow() {
        String template = "{%- set ns = namespace(count=0) %}{%- for m in messages %}{%- if m.role == 'user' %}"
                + "{%- set ns.count = ns.count + 1 %}{%- endif %}{%- endfor %}"
                + "{{- messages[0]['role'] }}|{{ ns.count }}|{{ messages | length }}|{{ loop_last if loop_last is defined else 'none' }}|"
                + "{{ strftime_now('%d %b %Y') }}|{{ messages[-1].content | upper }}";
        String today = LocalDate.now().format(DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ROOT));
        assertEquals("system|2|4|none|" + today + "|BYE", render(template, CHAT, "", ""));
    }

    @Test
    void pythonStringMethodsAndReversal() {
        String template = "{%- for m in messages[::-1] %}{%- if m.content.startswith('H') and not m.role.endswith('x') %}"
                + "{{ m.content.upper() }}{{ m.content.lower() }}[{{ ('  ' + m.role + '  ').lstrip() }}|"
                + "{{ ('  ' + m.role + '  ').rstrip() }}|{{ (' ' + m.role + ' ').strip() }}]{{ m.content.split('l')[-1] }}"
                + "{%- endif %}{%- endfor %}";
        assertEquals("HELLO.hello.[assistant  |  assistant|assistant]o.HIhi[user  |  user|user]Hi", render(template, CHAT, "", ""));
        String withArguments = "[{{ '\\n\\nx\\n'.strip('\\n') }}][{{ 'xxay'.lstrip('x') }}][{{ 'ayyx'.rstrip('xy') }}]"
                + "[{{ ' a  b '.split() | join(',') }}][{{ 'a<b>c<b>'.split('<b>') | length }}][{{ 'abc'.startswith(['x', 'ab']) }}]"
                + "[{{ 'hello world'.title() }}][{{ 'hELLO'.capitalize() }}][{{ 'a-b'.replace('-', '+') }}][{{ messages[0].content.endswith('.') }}]";
        assertEquals("[x][ay][a][a,b][3][true][Hello World][Hello][a+b][true]", render(withArguments, CHAT, "", ""));
    }

    @Test
    void aBrokenTemplateFailsWithoutARefusal() {
        JinjaChatTemplate.Failed failed = assertThrows(JinjaChatTemplate.Failed.class,
                () -> render("{% for message in messages %}{{ message.content ", CHAT, "", ""));
        assertTrue(!failed.getMessage().isBlank());
    }
}
