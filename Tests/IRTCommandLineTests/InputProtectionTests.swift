import ArgumentParser
import Foundation
import Testing
@testable import IRTCommandLine

/// Inputs are protected from the outputs by identity (device and inode), not
/// by the text of their paths.
@Suite("irt-report: inputs protected by identity")
struct InputProtectionTests {
    static let correlation = "a,b,c\n1,0.5,0.4\n0.5,1,0.3\n0.4,0.3,1\n"
    static let sweep = "run_name,lm_eval/a/bpb,lm_eval/b/bpb\nr1,1.0,2.0\nr2,1.5,2.5\nr3,1.2,2.2\n"

    @Test("Every input, under any spelling, is refused as --json and inside --out")
    func inputsProtectedByIdentity() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let matrix = try scratch.write(Self.correlation, to: "M.csv")
        // The same file by its own name, a symbolic link, a hard link, and a path with "..".
        try FileManager.default.createSymbolicLink(atPath: scratch.path("link.csv"), withDestinationPath: matrix)
        try FileManager.default.linkItem(atPath: matrix, toPath: scratch.path("hard.csv"))
        try FileManager.default.createDirectory(atPath: scratch.path("sub"), withIntermediateDirectories: true)
        for spelling in [matrix, scratch.path("link.csv"), scratch.path("hard.csv"), scratch.path("sub/../M.csv")] {
            let message = validationMessage(["--correlation", matrix, "--n-obs", "109", "--json", spelling,
                                             "--out", scratch.path("o")])
            #expect(message.contains("is the --correlation file") && message.contains("would overwrite your input"), "\(spelling): \(message)")
        }
        // Every kind of input is protected alike.
        let sweep = try scratch.write(Self.sweep, to: "s.csv")
        let selection = try scratch.write("{\"include\": [\"lm_eval/*\"]}", to: "sel.json")
        let initial = try scratch.write("[[0.5], [0.5]]", to: "init.json")
        let noise = try scratch.write(Self.sweep, to: "n.csv")
        for (option, path) in [("--noise", noise), ("--selection", selection), ("--em-init", initial)] {
            try? FileManager.default.removeItem(atPath: scratch.path("alias.json"))
            try FileManager.default.linkItem(atPath: path, toPath: scratch.path("alias.json"))
            let message = validationMessage([sweep, option, path, "--json", scratch.path("alias.json"),
                                             "--out", scratch.path("o")])
            #expect(message.contains("is the \(option) file"), "\(option): \(message)")
        }
        #expect(validationMessage([scratch.path("sub/../s.csv"), "--json", sweep, "--out", scratch.path("o")])
            .contains("is the SWEEP file"))

        // An input inside --out (an earlier report folder), reached by its own path or through a link to the folder.
        try FileManager.default.createDirectory(atPath: scratch.path("old"), withIntermediateDirectories: true)
        _ = try scratch.write("<html>", to: "old/index.html")
        let inside = try scratch.write(Self.correlation, to: "old/loadings.csv")
        try FileManager.default.createSymbolicLink(atPath: scratch.path("alias"), withDestinationPath: scratch.path("old"))
        for (input, out) in [(inside, scratch.path("old")), (scratch.path("alias/loadings.csv"), scratch.path("old")),
                             (inside, scratch.path("alias"))] {
            let message = validationMessage(["--correlation", input, "--n-obs", "109", "--out", out])
            #expect(message.contains("--correlation") && message.contains("is inside --out"), "\(input) in \(out): \(message)")
        }
        // A hard link of an input inside --out: the folder holds the input itself.
        try FileManager.default.linkItem(atPath: sweep, toPath: scratch.path("old/horn.csv"))
        #expect(validationMessage([sweep, "--out", scratch.path("old")]).contains("is inside --out"))

        // score and compare: MODEL.json and RUNS.csv by identity too.
        try FileManager.default.linkItem(atPath: sweep, toPath: scratch.path("model-copy.json"))
        for arguments in [[sweep, sweep, "--json", scratch.path("model-copy.json")],
                          [sweep, sweep, "--csv", scratch.path("sub/../s.csv")]] {
            do {
                _ = try ScoreCommand.parse(arguments)
                Issue.record("accepted: \(arguments)")
            } catch {
                #expect(ScoreCommand.exitCode(for: error) == .validationFailure)
                #expect(ScoreCommand.message(for: error).contains("would overwrite your input"))
            }
        }
    }
}
