import Foundation
import Testing

// Helpers shared by the command-line suites (CLITests, OutputSafetyTests).

/// A fresh directory under the system temporary directory, removed by `cleanup()`.
struct Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("irt-report-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ text: String, to name: String) throws -> String {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
        return path(name)
    }

    /// Names directly in the scratch directory.
    func entries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// Every regular file below `directory`, relative path → bytes.
func snapshot(_ directory: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
    while let url = enumerator?.nextObject() as? URL {
        guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
        let relative = String(url.standardizedFileURL.path.dropFirst(directory.standardizedFileURL.path.count))
        files[relative] = try Data(contentsOf: url)
    }
    return files
}

/// `.build/debug/irt-report` (or wherever the test bundle was built); `swift test` builds it.
let executable: URL? = {
    var candidates: [URL] = []
    if let bundle = Bundle.main.executableURL {
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("irt-report"))
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    candidates.append(root.appendingPathComponent(".build/debug/irt-report"))
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
}()

struct ProcessOutput {
    let status: Int32
    let stdout: String
    let stderr: String
}

func runExecutable(_ arguments: [String], in directory: URL) throws -> ProcessOutput {
    let outURL = directory.appendingPathComponent(".stdout-\(UUID().uuidString)")
    let errURL = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    try process.run()
    process.waitUntilExit()
    return ProcessOutput(status: process.terminationStatus,
                         stdout: try String(contentsOf: outURL, encoding: .utf8),
                         stderr: try String(contentsOf: errURL, encoding: .utf8))
}

/// A subprocess of `irt-report` started by ``launch(_:in:environment:executable:)``;
/// its stdout and stderr go to files outside the working directory.
struct Launched {
    let process: Process
    private let outURL: URL
    private let errURL: URL

    fileprivate init(process: Process, outURL: URL, errURL: URL) {
        self.process = process
        self.outURL = outURL
        self.errURL = errURL
    }

    /// Waits for the process; its exit status (or signal), stdout and stderr.
    func wait() throws -> (output: ProcessOutput, signaled: Bool) {
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: outURL.deletingLastPathComponent()) }
        let output = ProcessOutput(status: process.terminationStatus,
                                   stdout: try String(contentsOf: outURL, encoding: .utf8),
                                   stderr: try String(contentsOf: errURL, encoding: .utf8))
        return (output, process.terminationReason == .uncaughtSignal)
    }
}

/// Starts `irt-report` (or `binary`) with `arguments` in `directory`, without waiting.
func launch(_ arguments: [String], in directory: URL, environment: [String: String] = [:],
            executable binary: URL? = executable) throws -> Launched {
    let streams = FileManager.default.temporaryDirectory.appendingPathComponent("irt-report-streams-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: streams, withIntermediateDirectories: true)
    let outURL = streams.appendingPathComponent("stdout"), errURL = streams.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    try process.run()
    return Launched(process: process, outURL: outURL, errURL: errURL)
}

/// Runs a system tool (`chattr`, `setpriv`, …); its exit status, or `nil` when it cannot be started.
@discardableResult
func runTool(_ path: String, _ arguments: [String]) -> Int32? {
    guard FileManager.default.isExecutableFile(atPath: path) else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    process.waitUntilExit()
    return process.terminationStatus
}

/// A sweep of 7 runs and 3 tasks that analyses in a fraction of a second.
let smallSweepCSV: String = {
    let names = ["r1", "r2", "r3", "baseline_r4", "r5", "r6", "r7"]
    let ability = [1.2, -0.4, 0.3, -1.1, 0.8, -0.2, 0.5]
    let wiggle = [0.05, -0.03, 0.02, 0.04, -0.05, 0.01, -0.02]
    var csv = "run_name,status,eval/paloma/a/bpb,eval/paloma/b/bpb,eval/paloma/c/bpb\n"
    for (i, name) in names.enumerated() {
        let a = ability[i], w = wiggle[i]
        csv += "\(name),completed,\(1.5 - 0.10 * a + w),\(1.2 - 0.08 * a - w),\(1.9 - 0.12 * a + 0.5 * w)\n"
    }
    return csv
}()
