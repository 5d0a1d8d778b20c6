import Foundation
import IRTModel
@testable import IRTCommandLine
@testable import IRTReport
import Testing

// What irt-report may replace, and what it leaves behind (README, "What
// irt-report writes (guarantees)"): hostile output paths.

/// The ReportError of running `arguments` in-process (nil, recorded, for none
/// or another error), and the exit code of the same arguments.
private func refusal(_ arguments: [String]) -> (code: Int32, error: ReportError?) {
    var reportError: ReportError?
    do {
        let command = try AnalyzeCommand.parse(arguments)
        try command.run()
        Issue.record("no error: \(arguments)")
    } catch let error as ReportError {
        reportError = error
    } catch {
        Issue.record("unexpected \(error)")
    }
    return (AnalyzeCommand.exitCode(running: arguments), reportError)
}

/// The option, path and reason of an `outputRefused`, or nil (recorded) for anything else.
/// The reason is words only: tests check that it says what was found there.
private func refused(_ error: ReportError?) -> (option: String, path: String, reason: String)? {
    guard case let .outputRefused(option, path, reason)? = error else {
        Issue.record("expected outputRefused, got \(String(describing: error))")
        return nil
    }
    return (option, path, reason)
}

/// Creates a Unix-domain socket file at `path`.
private func makeSocket(at path: String) -> Bool {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (i, b) in bytes.enumerated() { raw[i] = b }
    }
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
        }
    }
}

/// Names in `directory` that a run must never leave behind.
private func debris(_ directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path)
        .filter { $0.contains(".tmp-") || $0.contains(".old-") || $0.hasSuffix(".lock") }
}

private let reportNames = [
    ".irtkit-report", "horn.csv", "index.html", "leaderboard.csv", "loadings.csv", "model.json", "noise_floor.csv",
    "residuals.csv", "result.json", "snr.csv",
]

// MARK: - --json

@Suite("irt-report: what --json may replace")
struct JSONDestinationTests {
    @Test func devicesPipesSocketsAndFoldersAreRefusedNotReplaced() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let sweep = try scratch.write(smallSweepCSV, to: "s.csv")
        #expect(mkfifo(scratch.path("fifo"), 0o644) == 0)
        #expect(makeSocket(at: scratch.path("sock")))
        try FileManager.default.createDirectory(atPath: scratch.path("dir.json"), withIntermediateDirectories: true)
        let cases = [
            ("/dev/null", "is a character device"),
            (scratch.path("fifo"), "is a named pipe (FIFO)"),
            (scratch.path("sock"), "is a socket"),
            (scratch.path("dir.json"), "is a directory"),
        ]
        for (path, expected) in cases {
            let (code, error) = refusal([sweep, "--draws", "5", "--out", scratch.path("out"), "--json", path, "-q"])
            #expect(code == 1, "\(path)")
            let r = try #require(refused(error))
            #expect(r.option == "--json" && r.path == path && r.reason.hasPrefix(expected), "\(r)")
            #expect(error?.description.contains("\n") == false)
        }
        #expect(OutputTarget.kind(of: scratch.path("fifo")) == .special("a named pipe (FIFO)"))
        #expect(OutputTarget.kind(of: scratch.path("sock")) == .special("a socket"))
        #expect(OutputTarget.kind(of: "/dev/null") == .special("a character device (such as /dev/null or a terminal)"))
        #expect(OutputTarget.kind(of: scratch.path("dir.json")) == .directory)
        // Nothing was written: no report, no temporaries.
        #expect(try scratch.entries() == ["dir.json", "fifo", "s.csv", "sock"])
    }

    @Test func aSymbolicLinkIsFollowedToTheRegularFileItNames() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let sweep = try scratch.write(smallSweepCSV, to: "s.csv")
        try FileManager.default.createDirectory(atPath: scratch.path("results"), withIntermediateDirectories: true)
        _ = try scratch.write("old", to: "results/target.json")
        try FileManager.default.createSymbolicLink(atPath: scratch.path("link.json"), withDestinationPath: "results/target.json")
        var command = try AnalyzeCommand.parse([sweep, "--draws", "5", "--out", scratch.path("out"), "--json", scratch.path("link.json"), "-q"])
        try command.run()
        // The link is kept; the file it names holds the result; the temporary was in the target's folder.
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: scratch.path("link.json")) == "results/target.json")
        let data = try Data(contentsOf: URL(fileURLWithPath: scratch.path("results/target.json")))
        #expect((try? ResultJSON.decoder().decode(AnalysisResult.self, from: data)) != nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path("results")) == ["target.json"])

        // A link to a missing file in an existing folder: the file is created there.
        try FileManager.default.createSymbolicLink(atPath: scratch.path("new.json"), withDestinationPath: "results/new-target.json")
        command = try AnalyzeCommand.parse([sweep, "--draws", "5", "--out", scratch.path("out"), "--json", scratch.path("new.json"), "-q"])
        try command.run()
        #expect(FileManager.default.fileExists(atPath: scratch.path("results/new-target.json")))
        #expect(try debris(scratch.url).isEmpty && debris(scratch.url.appendingPathComponent("results")).isEmpty)
    }

    @Test func aLinkIntoNowhereOrALoopIsRefused() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let sweep = try scratch.write(smallSweepCSV, to: "s.csv")
        try FileManager.default.createSymbolicLink(atPath: scratch.path("dangling.json"), withDestinationPath: "/nonexistent-dir/x.json")
        let dangling = refusal([sweep, "--draws", "5", "--out", scratch.path("out"), "--json", scratch.path("dangling.json"), "-q"])
        #expect(dangling.code == 1)
        let link = try #require(refused(dangling.error))
        #expect(link.option == "--json" && link.path == scratch.path("dangling.json"))
        #expect(link.reason.hasPrefix("is a symbolic link to /nonexistent-dir/x.json, which lies in a folder that does not exist"))
        try FileManager.default.createSymbolicLink(atPath: scratch.path("a.json"), withDestinationPath: "b.json")
        try FileManager.default.createSymbolicLink(atPath: scratch.path("b.json"), withDestinationPath: "a.json")
        let loop = refusal([sweep, "--draws", "5", "--out", scratch.path("out"), "--json", scratch.path("a.json"), "-q"])
        #expect(loop.code == 1)
        let cycle = try #require(refused(loop.error))
        #expect(cycle.option == "--json" && cycle.reason.contains("too many levels of symbolic links"))
        #expect(try scratch.entries() == ["a.json", "b.json", "dangling.json", "s.csv"])
    }
}

// MARK: - --out

@Suite("irt-report: what --out may replace")
struct ReportDestinationTests {
    @Test func aFolderIsReplacedOnlyWhenItIsProvablyAReport() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let sweep = try scratch.write(smallSweepCSV, to: "s.csv")
        let fm = FileManager.default
        func folder(_ name: String, _ files: [String: String]) throws -> String {
            try fm.createDirectory(atPath: scratch.path(name), withIntermediateDirectories: true)
            for (file, text) in files { _ = try scratch.write(text, to: "\(name)/\(file)") }
            return scratch.path(name)
        }
        /// The exit code and the reason `--out out` is refused (checking the option and path).
        func run(_ out: String) -> (code: Int32, reason: String) {
            let (code, error) = refusal([sweep, "--draws", "5", "--out", out, "-q"])
            guard let r = refused(error) else { return (code, "") }
            #expect(r.option == "--out" && r.path == out)
            return (code, r.reason)
        }

        // Refused: a foreign index.html alone, a foreign result.json alone, a foreign file beside the marker,
        // a subfolder with a report file's name.
        let refusedFolders = [
            try folder("html", ["index.html": "<html>mine</html>"]),
            try folder("json", ["result.json": "{\"mine\": true}"]),
            try folder("extra", [ReportFiles.marker: "", "index.html": "x", "notes.txt": "keep me"]),
        ]
        try fm.createDirectory(atPath: scratch.path("sub/index.png"), withIntermediateDirectories: true)
        _ = try scratch.write("x", to: "sub/\(ReportFiles.marker)")
        for out in refusedFolders + [scratch.path("sub")] {
            let before = try snapshot(URL(fileURLWithPath: out))
            let (code, reason) = run(out)
            #expect(code == 1, "\(out): \(reason)")
            #expect(reason.hasPrefix("exists"), "\(reason)")
            #expect(try snapshot(URL(fileURLWithPath: out)) == before)
        }
        #expect(run(scratch.path("html")).reason.contains("no .irtkit-report marker, and no result.json written by IRTKit"))
        #expect(run(scratch.path("extra")).reason.contains("not an irt-report output (notes.txt)"))
        #expect(run(scratch.path("sub")).reason.contains("index.png, which is not a regular file"))
        _ = try scratch.write("x", to: "plain-file")
        #expect(run(scratch.path("plain-file")).reason.hasPrefix("exists and is not a directory"))

        // Replaced: the marker and report names only; an empty folder; an unmarked folder whose result.json is ours.
        let marked = try folder("marked", [ReportFiles.marker: "", "index.png": "stale screenshot", "model.json": "{}"])
        let empty = try folder("empty", [:])
        let earlier = try folder("earlier", [:])
        var command = try AnalyzeCommand.parse([sweep, "--draws", "5", "--out", earlier, "-q"])
        try command.run()
        try fm.removeItem(atPath: earlier + "/" + ReportFiles.marker)   // as written before the marker existed
        for out in [marked, empty, earlier] {
            command = try AnalyzeCommand.parse([sweep, "--draws", "5", "--out", out, "-q"])
            try command.run()
            #expect(try fm.contentsOfDirectory(atPath: out).sorted() == reportNames, "\(out)")
        }
        #expect(try debris(scratch.url).isEmpty)
    }

    @Test func aSymbolicLinkToAReportFolderIsFollowed() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let sweep = try scratch.write(smallSweepCSV, to: "s.csv")
        try FileManager.default.createDirectory(atPath: scratch.path("store"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.path("report"), withDestinationPath: "store/run1")
        for _ in 0..<2 {
            let command = try AnalyzeCommand.parse([sweep, "--draws", "5", "--out", scratch.path("report"), "-q"])
            try command.run()
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: scratch.path("report")) == "store/run1")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path("store/run1")).sorted() == reportNames)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path("store")) == ["run1"])
    }
}

// MARK: - Replacing, failures and signals

@Suite("irt-report: replacing a report leaves nothing behind")
struct ReplaceTests {
    /// A report folder `name` in `scratch`, written by the command.
    private func report(_ scratch: Scratch, _ name: String) throws -> URL {
        let sweep = try scratch.write(smallSweepCSV, to: "s.csv")
        let command = try AnalyzeCommand.parse([sweep, "--draws", "5", "--out", scratch.path(name), "-q"])
        try command.run()
        return scratch.url.appendingPathComponent(name)
    }

    @Test func anEarlierReportThatCannotBeDeletedIsPutBack() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let destination = try report(scratch, "out")
        let before = try snapshot(destination)
        let staging = scratch.path("out.tmp-test")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        _ = try scratch.write("new", to: "out.tmp-test/index.html")
        var deleted: [String] = []
        let temporaries = Temporaries()   // not the shared one: other tests run in parallel
        do {
            try temporaries.locked { registry throws in
                registry.add(staging, isDirectory: true)
                // The delete fails (as on a read-only or immutable file): nothing may be lost or left.
                try ReportWriter.replace(destination, with: staging, registry: &registry) { path in
                    deleted.append(path)
                    throw CocoaError(.fileWriteNoPermission)
                }
            }
            Issue.record("expected the replace to fail")
        } catch {
            // An NSError with words only: they must say what could not be done.
            #expect("\(error)".contains("cannot remove the earlier report") || (error as NSError).localizedDescription.contains("cannot remove the earlier report"))
        }
        #expect(deleted == [staging])
        #expect(try snapshot(destination) == before)
        #expect(try String(contentsOfFile: staging + "/index.html", encoding: .utf8) == "new")
        temporaries.removeAll()   // what the writer (or a signal) does with what is still registered
        #expect(!FileManager.default.fileExists(atPath: staging))
        #expect(try scratch.entries() == ["out", "s.csv"])
    }

    @Test func theCleanupRemovesEveryRegisteredTemporary() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        _ = try scratch.write("x", to: "r.json.tmp-1")
        try FileManager.default.createDirectory(atPath: scratch.path("out.tmp-1/deep"), withIntermediateDirectories: true)
        _ = try scratch.write("y", to: "out.tmp-1/deep/index.html")
        _ = try scratch.write("keep", to: "keep.txt")
        let temporaries = Temporaries()   // not the shared one: other tests run in parallel
        temporaries.locked { registry in
            registry.add(scratch.path("r.json.tmp-1"), isDirectory: false)
            registry.add(scratch.path("out.tmp-1"), isDirectory: true)
        }
        temporaries.removeAll()
        #expect(try scratch.entries() == ["keep.txt"])
    }

    @Test(.enabled(if: getuid() == 0 && runTool("/usr/bin/chattr", ["-h"]) != nil, "needs root and chattr"))
    func anImmutableFileInTheEarlierReportLeavesNoDebris() throws {
        let scratch = try Scratch()
        defer {
            runTool("/usr/bin/chattr", ["-i", scratch.path("out/index.html")])
            scratch.cleanup()
        }
        let destination = try report(scratch, "out")
        guard runTool("/usr/bin/chattr", ["+i", scratch.path("out/index.html")]) == 0 else { return }   // unsupported file system
        let (code, error) = refusal([scratch.path("s.csv"), "--draws", "5", "--out", destination.path, "--json", scratch.path("r.json"), "-q"])
        #expect(code == 1)
        let reason: String? = switch error {
        case let .output(_, reason)?, let .outputRefused(_, _, reason)?: reason
        default: nil
        }
        #expect(reason?.contains("cannot remove the earlier report") == true, "\(String(describing: error))")
        #expect(FileManager.default.fileExists(atPath: scratch.path("out/index.html")))
        #expect(try debris(scratch.url).isEmpty, "\((try? scratch.entries()) ?? [])")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("r.json")))
    }

    @Test(.enabled(if: executable != nil && getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                   "needs the executable, root and setpriv"))
    func anEarlierReportThisUserCannotDeleteIsRefusedUpFront() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        _ = try report(scratch, "out")   // owned by root, mode 755
        #expect(chmod(scratch.url.path, 0o777) == 0)
        let before = try snapshot(scratch.url.appendingPathComponent("out"))
        let process = try launch(["--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                  executable!.path, "s.csv", "--draws", "5", "--out", "out", "-q"],
                                 in: scratch.url, executable: URL(fileURLWithPath: "/usr/bin/setpriv"))
        let (output, _) = try process.wait()
        #expect(output.status == 1)
        // Another process's stderr: only the words are there to check.
        #expect(output.stderr.contains("--out out holds an earlier report that this process cannot remove (Permission denied)"), "\(output.stderr)")
        #expect(try snapshot(scratch.url.appendingPathComponent("out")) == before)
        #expect(try debris(scratch.url).isEmpty, "\((try? scratch.entries()) ?? [])")
    }

    @Test(.enabled(if: executable != nil, "irt-report executable not built next to the tests"))
    func fourConcurrentRunsTakeTurns() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        _ = try scratch.write(smallSweepCSV, to: "s.csv")
        for round in 1...5 {
            let runs = try (1...4).map { _ in
                try launch(["s.csv", "--draws", "5", "--out", "report", "--json", "r.json", "-q"], in: scratch.url)
            }
            for run in runs {
                let (output, signaled) = try run.wait()
                #expect(!signaled && output.status == 0, "round \(round): \(output.stderr)")
            }
            #expect(try scratch.entries() == ["r.json", "report", "s.csv"], "round \(round)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path("report")).sorted() == reportNames)
            let data = try Data(contentsOf: URL(fileURLWithPath: scratch.path("report/result.json")))
            #expect((try? ResultJSON.decoder().decode(AnalysisResult.self, from: data)) != nil)
        }
    }

    @Test(.enabled(if: executable != nil, "irt-report executable not built next to the tests"),
          arguments: [SIGTERM, SIGINT])
    func aSignalDuringTheWriteRemovesTheTemporaries(signalNumber: Int32) throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        _ = try scratch.write(smallSweepCSV, to: "s.csv")
        let first = try launch(["s.csv", "--draws", "5", "--out", "report", "-q"], in: scratch.url)
        #expect(try first.wait().output.status == 0)
        let before = try snapshot(scratch.url.appendingPathComponent("report"))

        // The test hook holds the run after staging every file, before the rename.
        let run = try launch(["s.csv", "--draws", "5", "--out", "report", "--json", "r.json", "-q"], in: scratch.url,
                             environment: [ReportWriter.pauseBeforeRenameVariable: "30"])
        let deadline = Date().addingTimeInterval(60)
        func staged() -> Bool {
            let names = (try? scratch.entries()) ?? []
            guard let folder = names.first(where: { $0.hasPrefix("report.tmp-") }) else { return false }
            return names.contains { $0.hasPrefix(".r.json.tmp-") }
                && FileManager.default.fileExists(atPath: scratch.path("\(folder)/\(ReportFiles.marker)"))
        }
        while !staged(), Date() < deadline, run.process.isRunning { usleep(20_000) }
        #expect(staged(), "the run never staged its files: \((try? scratch.entries()) ?? [])")
        kill(run.process.processIdentifier, signalNumber)
        let (output, signaled) = try run.wait()
        #expect(signaled && output.status == signalNumber, "status \(output.status), stderr \(output.stderr)")
        #expect(try scratch.entries() == ["report", "s.csv"])
        #expect(try snapshot(scratch.url.appendingPathComponent("report")) == before)
    }
}
