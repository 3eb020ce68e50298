/// Every request a probe run makes: each model × prompt × sample.
public struct ProbePlan: Sendable {
    public var battery: Battery
    public var endpoints: [Endpoint]
    public var samplesPerPrompt: Int
    /// How many of the battery's paraphrases to ask, from the first; nil asks them all.
    public var promptLimit: Int?

    public init(battery: Battery, endpoints: [Endpoint], samplesPerPrompt: Int? = nil, promptLimit: Int? = nil) {
        self.battery = battery
        self.endpoints = endpoints
        self.samplesPerPrompt = samplesPerPrompt ?? battery.sampling.samplesPerPrompt
        self.promptLimit = promptLimit
    }

    public var prompts: [Battery.Prompt] { Array(battery.prompts.prefix(promptLimit ?? battery.prompts.count)) }

    /// The requests in a fixed order: model, then prompt, then sample. Sample i is sent with
    /// seed `seed_base + i`, so repeated samples differ but reruns repeat.
    public var requests: [ProbeRequest] {
        endpoints.flatMap { endpoint in
            prompts.flatMap { prompt in
                (0..<samplesPerPrompt).map { sample in
                    ProbeRequest(model: endpoint.name, modelID: endpoint.modelID, system: endpoint.system, user: prompt.text,
                                 temperature: battery.sampling.temperature, maxTokens: battery.sampling.maxTokens,
                                 seed: battery.sampling.seedBase + sample, topLogprobs: nil, promptID: prompt.id,
                                 sample: sample)
                }
            }
        }
    }

    /// A rough token estimate for --dry-run: about four characters a token for the prompt,
    /// plus max_tokens for the answer.
    public func estimatedTokens(_ requests: [ProbeRequest]) -> Int {
        requests.reduce(0) { $0 + ($1.user.count + ($1.system?.count ?? 0)) / 4 + 8 + $1.maxTokens }
    }
}
