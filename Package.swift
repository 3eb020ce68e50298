// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Subtext",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "subtext", targets: ["subtext"]),
        .library(name: "SubtextAudit", targets: ["SubtextAudit"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0")
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "CLlama", exclude: ["vendor/LICENSE", "vendor/README.md"],
            cSettings: [.headerSearchPath("vendor")], linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "SubtextSupport", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "SubtextCorpus", dependencies: ["CZlib", "SubtextSupport"]),
        .target(name: "SubtextTokenizers"),
        // The tasks both sides of a pair are given: prompts, well-formed replies, grammars.
        .target(name: "SubtextTasks", dependencies: ["SubtextCorpus", "SubtextStatistics"]),
        // Synthetic teacher/control pairs with a known planted difference, for examples and tests.
        .target(name: "SubtextSynthetic", dependencies: ["SubtextStatistics"]),
        .target(name: "SubtextStatistics", dependencies: ["SubtextSupport", "CBLAS"]),
        .target(
            name: "SubtextAudit",
            dependencies: ["SubtextSupport", "SubtextCorpus", "SubtextTokenizers", "SubtextStatistics"]),
        .target(
            name: "SubtextReport",
            dependencies: [
                "SubtextSupport", "SubtextCorpus", "SubtextStatistics", "SubtextModels", "SubtextTasks", "SubtextAudit",
                "SubtextProbes", "SubtextGeneration", "SubtextAttribution", "SubtextLab", "SubtextSanitize",
                "SubtextStudents"
            ]),
        .target(
            name: "SubtextAttribution",
            dependencies: [
                "SubtextSupport", "SubtextModels", "SubtextCorpus", "SubtextStatistics", "SubtextAudit",
                "SubtextTokenizers"
            ]),
        .target(
            name: "SubtextSanitize",
            dependencies: [
                "SubtextSupport", "SubtextCorpus", "SubtextStatistics", "SubtextAudit", "SubtextTasks", "SubtextModels"
            ]),
        .target(
            name: "SubtextGeneration",
            dependencies: ["SubtextSupport", "SubtextModels", "SubtextTasks", "SubtextCorpus", "SubtextStatistics"]),
        // The training engine: kernels, the optimiser, and the models trained on the CPU (the lab's
        // TinyGPT, Llama and Gemma 3 students).
        .target(name: "SubtextTraining", dependencies: ["CBLAS", "CLlama", "SubtextStatistics"]),
        .target(
            name: "SubtextStudents",
            dependencies: [
                "SubtextTraining", "SubtextModels", "SubtextCorpus", "SubtextStatistics", "SubtextSupport",
                "SubtextProbes"
            ]),
        .target(
            name: "SubtextLab",
            dependencies: [
                "SubtextSupport", "SubtextCorpus", "SubtextStatistics", "SubtextTraining", "SubtextModels",
                "SubtextProbes", "SubtextAudit", "SubtextAttribution",
                "SubtextSanitize"
            ]),
        .target(
            name: "SubtextModels",
            dependencies: [
                "CLlama", "SubtextCorpus", "SubtextSupport",
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio")
            ]),
        .target(
            name: "SubtextProbes",
            dependencies: [
                "SubtextSupport", "SubtextModels", "SubtextCorpus", "SubtextStatistics",
                .product(name: "Yams", package: "Yams")
            ]),
        .executableTarget(
            name: "subtext",
            dependencies: [
                "SubtextAudit", "SubtextReport", "SubtextLab", "SubtextTokenizers", "SubtextProbes",
                "SubtextGeneration", "SubtextTasks",
                "SubtextSynthetic", "SubtextCorpus", "SubtextStatistics",
                "SubtextAttribution", "SubtextSupport", "SubtextModels", "SubtextSanitize", "SubtextTraining",
                "SubtextStudents", .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]),
        // Every parser of outside bytes, driven by libFuzzer (scripts/fuzz.sh) and by the tests.
        .target(
            name: "SubtextFuzzing",
            dependencies: [
                "SubtextSupport", "SubtextCorpus", "SubtextTokenizers", "SubtextProbes", "SubtextModels",
                "SubtextAudit",
                "SubtextSanitize", "SubtextGeneration", "SubtextAttribution", "SubtextSynthetic"
            ]),
        .executableTarget(name: "subtext-fuzz", dependencies: ["SubtextFuzzing"]),
        // What the test targets share: temporary directories and a loopback model server.
        .target(
            name: "SubtextTestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio")
            ],
            path: "Tests/SubtextTestSupport"),
        .testTarget(name: "SubtextSupportTests", dependencies: ["SubtextSupport"]),
        .testTarget(name: "SubtextCorpusTests", dependencies: ["SubtextTestSupport", "SubtextCorpus"]),
        .testTarget(
            name: "SubtextTokenizersTests", dependencies: ["SubtextTokenizers"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "SubtextStatisticsTests", dependencies: ["SubtextStatistics"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "SubtextAuditTests",
            dependencies: [
                "SubtextTestSupport", "SubtextSupport", "SubtextAudit", "SubtextSynthetic", "SubtextCorpus",
                "SubtextStatistics"
            ]),
        .testTarget(
            name: "SubtextReportTests",
            dependencies: [
                "SubtextReport", "SubtextAudit", "SubtextAttribution", "SubtextStatistics", "SubtextGeneration",
                "SubtextProbes",
                "SubtextSupport", "SubtextLab", "SubtextSanitize", "SubtextStudents"
            ]),
        .testTarget(name: "SubtextModelsTests", dependencies: ["SubtextTestSupport", "SubtextCorpus", "SubtextModels"]),
        .testTarget(name: "SubtextProbesTests", dependencies: ["SubtextCorpus", "SubtextProbes", "SubtextModels"]),
        .testTarget(name: "SubtextTasksTests", dependencies: ["SubtextTasks", "SubtextStatistics"]),
        .testTarget(
            name: "SubtextGenerationTests",
            dependencies: ["SubtextGeneration", "SubtextTasks", "SubtextModels", "SubtextStatistics"]),
        .testTarget(name: "SubtextAttributionTests", dependencies: ["SubtextAttribution", "SubtextStatistics"]),
        .testTarget(
            name: "SubtextSanitizeTests",
            dependencies: [
                "SubtextTestSupport", "SubtextSanitize", "SubtextAudit", "SubtextCorpus", "SubtextModels",
                "SubtextSynthetic"
            ]),
        .testTarget(
            name: "SubtextTrainingTests", dependencies: ["SubtextTraining", "SubtextStatistics", "SubtextTestSupport"]),
        .testTarget(
            name: "SubtextLabTests",
            dependencies: [
                "SubtextLab", "SubtextTraining", "SubtextStatistics", "SubtextProbes", "SubtextModels",
                "SubtextSanitize", "SubtextTestSupport"
            ]),
        .testTarget(name: "SubtextFuzzingTests", dependencies: ["SubtextFuzzing"]),
        .testTarget(
            name: "SubtextCLITests",
            dependencies: [
                "SubtextTestSupport", "subtext", "SubtextTraining", "SubtextStudents", "SubtextStatistics",
                "SubtextProbes",
                "SubtextAttribution", "SubtextModels"
            ])
    ]
)

// A file sees only the members of modules it imports itself, so each target's imports are its
// real edges; the test command also makes the build fail on an import of an undeclared target.
for target in package.targets where target.type != .system && !target.name.hasPrefix("C") {
    target.swiftSettings = (target.swiftSettings ?? []) + [.enableUpcomingFeature("MemberImportVisibility")]
}
