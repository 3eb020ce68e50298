/// The bodies Subtext sends to model servers and reads back, as types: OpenAI's chat
/// completions, vLLM's extensions for reading a given reply's probabilities, and llama.cpp's
/// native endpoints. Each field's name and shape is written here once; optional fields left
/// nil are not sent.

/// One chat message.
struct ChatMessage: Codable, Sendable, Equatable {
    var role: String
    var content: String
}

/// POST /v1/chat/completions.
struct ChatRequest: Encodable, Sendable {
    var model: String
    var messages: [ChatMessage]
    var temperature: Double
    var maxTokens: Int
    var seed: Int?
    var n: Int?
    /// llama.cpp: a GBNF grammar the reply must follow.
    var grammar: String?
    var logprobs: Bool?
    var topLogprobs: Int?
    /// vLLM: whether to open a new assistant turn, or continue the last message as the reply.
    var addGenerationPrompt: Bool?
    var continueFinalMessage: Bool?
    /// vLLM: log-probabilities of the prompt's own tokens, with this many alternatives.
    var promptLogprobs: Int?

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, seed, n, grammar, logprobs
        case maxTokens = "max_tokens", topLogprobs = "top_logprobs", addGenerationPrompt = "add_generation_prompt"
        case continueFinalMessage = "continue_final_message", promptLogprobs = "prompt_logprobs"
    }
}

/// The answer to a ``ChatRequest``.
struct ChatResponse: Decodable, Sendable {
    struct Choice: Decodable, Sendable {
        struct Message: Decodable, Sendable {
            var content: String?
        }

        struct Logprobs: Decodable, Sendable {
            struct Token: Decodable, Sendable {
                var topLogprobs: [TokenLogprob]?
                enum CodingKeys: String, CodingKey { case topLogprobs = "top_logprobs" }
            }

            var content: [Token]?
        }

        var message: Message
        var finishReason: String?
        var logprobs: Logprobs?

        enum CodingKeys: String, CodingKey { case message, logprobs, finishReason = "finish_reason" }
    }

    /// vLLM's log-probability of one prompt token.
    struct PromptLogprob: Decodable, Sendable {
        var logprob: Double
    }

    var choices: [Choice]
    /// vLLM: per prompt position (the first is null), entries keyed by token id.
    var promptLogprobs: [[String: PromptLogprob]?]?

    enum CodingKeys: String, CodingKey { case choices, promptLogprobs = "prompt_logprobs" }
}

/// POST /tokenize, in llama.cpp's form (`content`) or vLLM's (`model` and `messages`).
struct TokenizeRequest: Encodable, Sendable {
    var content: String?
    var addSpecial: Bool?
    var parseSpecial: Bool?
    var model: String?
    var messages: [ChatMessage]?
    var addGenerationPrompt: Bool?
    var continueFinalMessage: Bool?

    enum CodingKeys: String, CodingKey {
        case content, model, messages
        case addSpecial = "add_special", parseSpecial = "parse_special", addGenerationPrompt = "add_generation_prompt"
        case continueFinalMessage = "continue_final_message"
    }
}

struct TokenizeResponse: Decodable, Sendable {
    var tokens: [Int]
}

/// llama.cpp: POST /apply-template, the chat laid out as the model's template lays it out.
struct ApplyTemplateRequest: Encodable, Sendable {
    var messages: [ChatMessage]
}

struct ApplyTemplateResponse: Decodable, Sendable {
    var prompt: String
}

/// llama.cpp's native POST /completion, used to force one token and read its probability.
struct NativeCompletionRequest: Encodable, Sendable {
    var prompt: [Int]
    var nPredict: Int
    var nProbs: Int
    var temperature: Double
    var cachePrompt: Bool
    /// [[token, bias]].
    var logitBias: [[Int]]
    var postSamplingProbs: Bool

    enum CodingKeys: String, CodingKey {
        case prompt, temperature
        case nPredict = "n_predict", nProbs = "n_probs", cachePrompt = "cache_prompt", logitBias = "logit_bias"
        case postSamplingProbs = "post_sampling_probs"
    }
}

struct NativeCompletionResponse: Decodable, Sendable {
    struct Probability: Decodable, Sendable {
        var id: Int
        var logprob: Double
    }

    var completionProbabilities: [Probability]

    enum CodingKeys: String, CodingKey { case completionProbabilities = "completion_probabilities" }
}

/// llama.cpp: GET /props. Only llama-server describes its default generation settings.
struct ServerProps: Decodable, Sendable {
    /// Any JSON object, its contents unread.
    struct Present: Decodable, Sendable {
        init(from decoder: Decoder) throws {}
    }

    var defaultGenerationSettings: Present?

    enum CodingKeys: String, CodingKey { case defaultGenerationSettings = "default_generation_settings" }
}
