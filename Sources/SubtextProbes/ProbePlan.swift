import SubtextModels

/// Every request a probe run makes: each model × prompt × sample.
package struct ProbePlan: Sendable {
    package var battery: Battery
    package var endpoints: [Endpoint]
    /// Samples per prompt; always 1 in score mode, which reads probabilities instead.
    package var samplesPerPrompt: Int
    /// How many of the battery's paraphrases to ask, from the first; nil asks them all.
    package var promptLimit: Int?

    package init(battery: Battery, endpoints: [Endpoint], samplesPerPrompt: Int? = nil, promptLimit: Int? = nil) {
        self.battery = battery
        self.endpoints = endpoints
        self.samplesPerPrompt = battery.mode == .score ? 1 : samplesPerPrompt ?? battery.sampling.samplesPerPrompt
        self.promptLimit = promptLimit
    }

    package var prompts: [Battery.Prompt] { Array(battery.prompts.prefix(promptLimit ?? battery.prompts.count)) }

    /// The requests in a fixed order: model, then prompt, then sample. Sample i is sent with
    /// seed `seed_base + i`, so repeated samples differ but reruns repeat. Score mode asks once
    /// per model and prompt, greedily, for the candidates' log-probabilities.
    package var requests: [ModelRequest] {
        if battery.mode == .score {
            return endpoints.flatMap { endpoint in
                prompts.map { prompt in
                    ModelRequest(
                        model: endpoint.name, modelID: endpoint.modelID, system: endpoint.system, user: prompt.text,
                        temperature: 0, maxTokens: 1, seed: battery.sampling.seedBase, scoring: battery.scoredForms,
                        promptID: prompt.id, sample: 0)
                }
            }
        }
        return endpoints.flatMap { endpoint in
            prompts.flatMap { prompt in
                (0..<samplesPerPrompt).map { sample in
                    ModelRequest(
                        model: endpoint.name, modelID: endpoint.modelID, system: endpoint.system, user: prompt.text,
                        temperature: battery.sampling.temperature, maxTokens: battery.sampling.maxTokens,
                        seed: battery.sampling.seedBase + sample, scoring: nil, promptID: prompt.id,
                        sample: sample)
                }
            }
        }
    }

    /// A rough token estimate for --dry-run: about four characters a token for the prompt,
    /// plus max_tokens for the answer.
    package func estimatedTokens(_ requests: [ModelRequest]) -> Int {
        requests.reduce(0) { $0 + ($1.user.count + ($1.system?.count ?? 0)) / 4 + 8 + $1.maxTokens }
    }
}
