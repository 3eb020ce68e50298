// swift-tools-version: 6.0
// A program of your own that audits records it holds in memory, with Subtext as a library.
// Point the dependency at a checkout of Subtext (or at its git URL and a version).
import PackageDescription

let package = Package(
    name: "AuditRecords",
    dependencies: [.package(name: "Subtext", path: "../..")],
    targets: [
        .executableTarget(name: "AuditRecords", dependencies: [.product(name: "SubtextAudit", package: "Subtext")])
    ]
)
