import Foundation
import SubtextCorpus
import SubtextModels
import SubtextSupport
import SubtextTasks

/// One generation: the same seeded prompts sent to one model once with no system prompt (the
/// control) and once under each trait's, every reply journaled in the output directory as it
/// arrives (so a stopped run resumes), then the replies that pass the filter written as datasets.
package struct GenerationRun {
    /// How the numbers family is decoded: under a llama.cpp grammar, free-form, or whichever
    /// the server allows.
    package enum Constraint: String, Sendable, CaseIterable {
        case auto, grammar, none
    }

    package var endpoint: Endpoint
    package var family: PromptFamily
    /// Each trait's name and the aliases its system prompt may use.
    package var traits: [(name: String, aliases: [String])]
    package var prompts: Int
    package var seed: UInt64 = 1
    package var temperature = 1.0
    package var systemTemplate = GenerationPlan.defaultSystemTemplate
    package var constraint = Constraint.auto
    package var concurrency = 4
    package var timeout: Int64 = 60
    package var maximumRequests: Int?
    /// The model's weights, hashed into the manifest.
    package var modelFile: String?
    package var log: (String) -> Void = { _ in }
    package var progress: @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }

    /// Refuses traits that repeat or that are called "control".
    package init(endpoint: Endpoint, family: PromptFamily, traits: [(name: String, aliases: [String])], prompts: Int)
        throws
    {
        let names = traits.map(\.name)
        guard !names.isEmpty, Set(names).count == names.count, !names.contains("control") else {
            throw ModelError.usage("--traits needs distinct names, none of them 'control'")
        }
        self.endpoint = endpoint
        self.family = family
        self.traits = traits
        self.prompts = prompts
    }

    /// The plan a run follows; asks the server whether it takes grammars when that decides.
    package func plan(checkingServer: Bool = true) async throws -> GenerationPlan {
        let client = OpenAIClient(endpoint: endpoint, timeout: timeout)
        let constrained: Bool
        switch constraint {
        case .none: constrained = false
        case .grammar:
            guard try await client.acceptsGrammars() else {
                throw ModelError.usage(
                    "\(endpoint.name) does not take llama.cpp grammars; use --constrain auto or none")
            }
            constrained = true
        case .auto:
            constrained = family == .numbers && checkingServer ? try await client.acceptsGrammars() : false
        }
        return GenerationPlan(
            endpoint: endpoint, family: family, traits: traits, count: prompts, seed: seed,
            temperature: temperature, systemTemplate: systemTemplate, constrained: constrained)
    }

    /// The journal of replies in `directory`.
    package func journal(_ directory: String) throws -> Journal {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let journal = try Journal(path: (directory as NSString).appendingPathComponent("journal.jsonl"))
        if journal.droppedTornLine { log("journal: dropped a torn last line (a run was cut short)") }
        return journal
    }

    /// Sends what the journal lacks, writes each side's dataset, and returns what was made.
    package func run(directory: String, command: String) async throws -> (
        result: GenerationResult, summary: RequestRunner.Summary
    ) {
        let plan = try await plan()
        let journal = try journal(directory)
        log("constrained decoding: " + (plan.constrained ? "grammar" : "none (free-form replies, then the filter)"))
        let client = OpenAIClient(endpoint: endpoint, timeout: timeout)
        let runner = RequestRunner(
            clients: Dictionary(uniqueKeysWithValues: plan.sides.map { ($0.name, client as any ModelClient) }),
            journal: journal, reader: nil, concurrency: concurrency, maximumRequests: maximumRequests,
            progress: progress)
        // Every side talks to one server, so they share one queue and its concurrency limit.
        let summary = try await runner.run(
            plan.requests,
            servers: Dictionary(uniqueKeysWithValues: plan.sides.map { ($0.name, endpoint.baseURL) }))
        let sides = try DatasetWriter(plan: plan, journal: journal, directory: directory).write()
        let result = GenerationResult(
            family: family, model: endpoint.name, modelID: endpoint.modelID,
            baseURL: DisplayPath.redactingUserInfo(endpoint.baseURL),
            modelFileSHA256: try modelFile.map(FileHash.sha256), modelFile: modelFile.map { DisplayPath.of($0) },
            promptSeed: seed, prompts: prompts, temperature: temperature, maxTokens: family.maxTokens,
            constrainedDecoding: plan.constrained ? "grammar" : "none", grammar: plan.largestGrammar,
            filter: plan.filter(for: plan.sides[0]).summary, sides: sides, command: command,
            toolVersion: SubtextVersion.current)
        return (result, summary)
    }
}
