/// How a student is trained: which weights move, on what labels, for how long.
///
/// Everything that changes the weights a run ends with is here, so a checkpoint is tied to its
/// run by these settings, the base model and the data (``StudentRun/key``).
package struct StudentSettings: Codable, Equatable, Sendable {
    /// LoRA adapters of this rank on every attention and MLP projection; nil fine-tunes every weight.
    package var loraRank: Int? = 16
    /// LoRA's α: the adapters' product is scaled by α / rank. nil takes the rank (scale 1).
    package var loraAlpha: Float?
    /// Distil on the teacher's top-k next tokens at every response position; nil trains on the
    /// sampled responses themselves (hard labels).
    package var softLabelsTopK: Int?
    /// The teacher's system prompt, for soft labels read from a prompted teacher.
    package var teacherSystem: String?
    package var learningRate: Float = 2e-4
    package var epochs: Int = 1
    /// Sequences per optimiser step.
    package var batchSize: Int = 8
    package var seed: UInt64 = 1
    /// The rows held out of training to measure the loss on, at most this share of the data (and at most 256).
    package var heldOutShare: Double = 0.05
    /// Steps between checkpoints (and points of the loss curve).
    package var checkpointEvery: Int = 25
    /// The longest prompt and response together, in tokens; longer rows are skipped and counted.
    package var maximumTokens: Int = 256

    package init() {}

    /// Why these settings cannot train, or nil.
    package var problem: String? {
        if let loraRank, loraRank < 1 { return "the LoRA rank must be at least 1" }
        if let softLabelsTopK, softLabelsTopK < 1 { return "soft labels need k of at least 1" }
        if !(learningRate > 0) { return "the learning rate must be positive" }
        if epochs < 1 { return "train for at least one epoch" }
        if batchSize < 1 { return "the batch size must be at least 1" }
        if checkpointEvery < 1 { return "checkpoints need a positive interval" }
        if !(0..<0.5).contains(heldOutShare) { return "the held-out share must be in [0, 0.5)" }
        if maximumTokens < 8 { return "the token limit must be at least 8" }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case loraRank = "lora_rank", loraAlpha = "lora_alpha", softLabelsTopK = "soft_labels_top_k"
        case teacherSystem = "teacher_system", learningRate = "learning_rate", epochs, batchSize = "batch_size", seed
        case heldOutShare = "held_out_share", checkpointEvery = "checkpoint_every", maximumTokens = "maximum_tokens"
    }
}
