import ArgumentParser
struct ExampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "example", abstract: "todo")
}
