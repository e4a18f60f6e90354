// The official openai client against a running koboldj, as an OpenAI user would call it.
// KOBOLDJ_URL is the server's base URL, KOBOLDJ_MODEL the default model's name, KOBOLDJ_SECOND_MODEL
// the name of a second, distinct model loaded beside it. Prints one line per check and exits
// non-zero if any failed. OpenAiNodeClientE2EIT runs it (after npm ci).
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const base = process.env.KOBOLDJ_URL;
const model = process.env.KOBOLDJ_MODEL;
const second = process.env.KOBOLDJ_SECOND_MODEL;
assert.ok(base && model && second, 'KOBOLDJ_URL, KOBOLDJ_MODEL and KOBOLDJ_SECOND_MODEL must be set');
const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'none', maxRetries: 0, timeout: 60_000 });
const HELLO = [{ role: 'system', content: 'You tell short stories.' }, { role: 'user', content: 'Tell me about Lily.' }];

/** Tokens of a prompt or conversation as /v1/tokenize counts them (BOS and chat template included). */
async function tokenCount(body) {
  const response = await fetch(`${base}/v1/tokenize`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()).count;
}

function checkUsage(usage, promptTokens, maxTokens, finishReason) {
  assert.equal(usage.prompt_tokens, promptTokens, 'usage.prompt_tokens is what /v1/tokenize counts');
  if (finishReason === 'length') {
    assert.equal(usage.completion_tokens, maxTokens);
  } else {
    assert.ok(usage.completion_tokens >= 1 && usage.completion_tokens <= maxTokens, JSON.stringify(usage));
  }
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
}

/** Each check is one scenario; a new endpoint (embeddings, say) adds its own entry. */
const checks = {
  async modelsList() {
    const models = await client.models.list();
    assert.deepEqual(models.data.map((m) => m.id), [model, second], 'the default model first');
    assert.equal(models.data[0].object, 'model');
  },

  async secondModel() {
    assert.equal((await client.models.retrieve(second)).id, second);
    const request = { prompt: 'Once upon a time', max_tokens: 16, temperature: 0 };
    const first = await client.completions.create({ model, ...request });
    const other = await client.completions.create({ model: second, ...request });
    assert.equal(first.model, model);
    assert.equal(other.model, second);
    assert.notEqual(other.choices[0].text, first.choices[0].text, 'each model writes its own text');
    let streamedModel;
    let streamed = '';
    for await (const chunk of await client.chat.completions.create({ model: second, messages: HELLO, max_tokens: 6,
      temperature: 0, stream: true })) {
      streamedModel ??= chunk.model;
      streamed += chunk.choices[0]?.delta?.content ?? '';
    }
    assert.equal(streamedModel, second);
    const whole = await client.chat.completions.create({ model: second, messages: HELLO, max_tokens: 6, temperature: 0 });
    assert.equal(streamed, whole.choices[0].message.content, 'streamed and whole come from the same model');
    await assert.rejects(client.completions.create({ model: 'gpt-4o', ...request }), (error) => {
      assert.ok(error instanceof OpenAI.NotFoundError, String(error));
      assert.equal(error.status, 404);
      assert.equal(error.param, 'model');
      assert.ok(error.message.includes(`${model}, ${second}`), error.message);
      return true;
    });
  },

  async completion() {
    const completion = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 24, temperature: 0 });
    assert.equal(completion.object, 'text_completion');
    const choice = completion.choices[0];
    assert.ok(choice.text.length > 0);
    assert.equal(choice.finish_reason, 'length');
    checkUsage(completion.usage, await tokenCount({ prompt: 'Once upon a time' }), 24, choice.finish_reason);
  },

  async completionStreamedEqualsWhole() {
    const request = { model, prompt: 'Once upon a time', max_tokens: 40, temperature: 0.8, seed: 7 };
    const whole = await client.completions.create(request);
    let streamed = '';
    for await (const chunk of await client.completions.create({ ...request, stream: true })) {
      streamed += chunk.choices[0]?.text ?? '';
    }
    assert.equal(streamed, whole.choices[0].text);
  },

  async chatCompletion() {
    const chat = await client.chat.completions.create({ model, messages: HELLO, max_tokens: 30, temperature: 0 });
    assert.equal(chat.object, 'chat.completion');
    const choice = chat.choices[0];
    assert.equal(choice.message.role, 'assistant');
    assert.equal(typeof choice.message.content, 'string');
    checkUsage(chat.usage, await tokenCount({ messages: HELLO }), 30, choice.finish_reason);
  },

  async chatStreamedEqualsWhole() {
    const request = { model, messages: HELLO, max_tokens: 40, temperature: 0.7, seed: 3 };
    const whole = await client.chat.completions.create(request);
    let streamed = '';
    let role;
    let finish;
    for await (const chunk of await client.chat.completions.create({ ...request, stream: true })) {
      const choice = chunk.choices[0];
      role ??= choice?.delta?.role;
      streamed += choice?.delta?.content ?? '';
      finish = choice?.finish_reason ?? finish;
    }
    assert.equal(role, 'assistant');
    assert.equal(streamed, whole.choices[0].message.content);
    assert.equal(finish, whole.choices[0].finish_reason);
  },

  async embeddings() {
    // the client asks for base64 by default and decodes it itself: that path is what most users take
    const one = await client.embeddings.create({ model, input: 'Once upon a time' });
    assert.equal(one.object, 'list');
    const vector = one.data[0].embedding;
    assert.ok(vector.length > 0);
    const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
    assert.ok(Math.abs(norm - 1) < 1e-4, `normalised, not ${norm}`);
    assert.equal(one.usage.prompt_tokens, await tokenCount({ prompt: 'Once upon a time' }));

    const many = await client.embeddings.create({ model, input: ['Once upon a time', 'The cat sat on the mat'],
      encoding_format: 'float' });
    assert.deepEqual(many.data.map((d) => d.index), [0, 1]);
    const same = many.data[0].embedding.reduce((sum, x, i) => sum + x * vector[i], 0);
    assert.ok(Math.abs(same - 1) < 1e-5, `a text's cosine with itself is 1, not ${same}`);
    const other = many.data[1].embedding.reduce((sum, x, i) => sum + x * vector[i], 0);
    assert.ok(other < 0.9999, 'another text gives another vector');
  },

  async jsonSchemaResponseFormat() {
    const schema = {
      type: 'object',
      properties: { name: { type: 'string', minLength: 2, maxLength: 10 }, age: { type: 'integer', minimum: 3, maximum: 12 } },
      required: ['name', 'age'], additionalProperties: false,
    };
    const chat = await client.chat.completions.create({ model, messages: HELLO, max_tokens: 200, seed: 5,
      response_format: { type: 'json_schema', json_schema: { name: 'pet', schema, strict: true } } });
    const pet = JSON.parse(chat.choices[0].message.content);
    assert.deepEqual(Object.keys(pet), ['name', 'age']);
    assert.ok(pet.name.length >= 2 && pet.name.length <= 10, JSON.stringify(pet));
    assert.ok(Number.isInteger(pet.age) && pet.age >= 3 && pet.age <= 12, JSON.stringify(pet));
    await assert.rejects(client.chat.completions.create({ model, messages: HELLO,
      response_format: { type: 'json_schema', json_schema: { name: 'pet', schema: { type: 'integer', multipleOf: 2 } } } }),
    (error) => error.status === 400 && error.param === 'response_format.json_schema.schema');
  },

  async forcedToolCall() {
    const tools = [{ type: 'function', function: { name: 'get_weather', description: 'The weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 12 },
        days: { type: 'integer', minimum: 1, maximum: 7 } }, required: ['city', 'days'] } } }];
    const chat = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Weather in Rome?' }],
      max_tokens: 200, seed: 2, tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } });
    const choice = chat.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.tool_calls.length, 1);
    const call = choice.message.tool_calls[0];
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, 'get_weather');
    const args = JSON.parse(call.function.arguments);
    assert.equal(typeof args.city, 'string');
    assert.ok(Number.isInteger(args.days) && args.days >= 1 && args.days <= 7, call.function.arguments);
    // the call and its result go back, as an agent loop sends them
    const next = await client.chat.completions.create({ model, max_tokens: 8, messages: [
      { role: 'user', content: 'Weather in Rome?' }, choice.message,
      { role: 'tool', tool_call_id: call.id, content: 'Sunny' }] });
    assert.equal(next.choices.length, 1);
  },

  async streamIncludeUsage() {
    const request = { model, messages: HELLO, max_tokens: 12, temperature: 0.7, seed: 3 };
    const whole = await client.chat.completions.create(request);
    let usage;
    let streamed = '';
    for await (const chunk of await client.chat.completions.create({ ...request, stream: true,
      stream_options: { include_usage: true } })) {
      streamed += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) {
        assert.equal(chunk.choices.length, 0, 'the usage chunk has no choices');
        usage = chunk.usage;
      }
    }
    assert.equal(streamed, whole.choices[0].message.content);
    assert.deepEqual(usage, whole.usage);
  },

  async badRequestIsAnApiError() {
    await assert.rejects(client.chat.completions.create({ model, messages: [] }), (error) => {
      assert.ok(error instanceof OpenAI.BadRequestError, String(error));
      assert.equal(error.status, 400);
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.param, 'messages');
      return true;
    });
    await assert.rejects(client.chat.completions.create({ model, messages: HELLO, n: 0 }),
      (error) => error.status === 400 && error.param === 'n');
    const after = await client.chat.completions.create({ model, messages: HELLO, max_tokens: 2 });
    assert.equal(after.choices.length, 1, 'still serving');
  },
};

let failed = 0;
for (const [name, check] of Object.entries(checks)) {
  try {
    await check();
    console.log(`ok ${name}`);
  } catch (error) {
    failed++;
    console.log(`FAILED ${name}: ${error?.stack ?? error}`);
  }
}
console.log(`${Object.keys(checks).length - failed} of ${Object.keys(checks).length} openai client checks passed`);
process.exit(failed === 0 ? 0 : 1);
