import ArgumentParser
import Foundation
import IRTMixture
import IRTModel

/// The `irt-report` tool: `analyze` (the default, so `irt-report SWEEP.csv …`
/// works as it always has), `score` (new runs against a saved model),
/// `compare` (is one run really better than another) and `mixture` (from a
/// saved model's scores to the next mixture).
///
/// The executable's entry point is ``exitCode(running:)``, which maps errors to
/// exit codes (0 ok, 1 analysis or input error, 2 usage error).
public struct IRTReportTool: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "irt-report",
        abstract: "Aggregate capability scores for a language-model evaluation sweep, by non-negative factor analysis.",
        version: IRTKitVersion.string,
        subcommands: [AnalyzeCommand.self, ScoreCommand.self, CompareCommand.self, MixtureCommand.self],
        defaultSubcommand: AnalyzeCommand.self)

    public init() {}

    /// Parses `arguments`, runs the chosen subcommand and returns the process
    /// exit code: 0 on success (and for `--help`, `--version`), 1 for an
    /// analysis or input error (one line on stderr, `irt-report: error: …`),
    /// 2 for a usage error (a run name `compare` does not know: one line too).
    public static func exitCode(running arguments: [String]) -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let error as AnalysisError {
            return fail(error.description)
        } catch let error as ReportError {
            return fail(error.description)
        } catch let error as RunComparisonError {
            let code = fail(error.description)
            return error.isUsageError ? 2 : code
        } catch let error as MixtureError {
            if let usage = MixtureStep.usageMessage(error) {
                _ = fail(usage)
                return 2
            }
            return fail(error.description)
        } catch let error as SelectionUsageError {
            FileHandle.standardError.write(Data("irt-report: \(error.description)\n".utf8))
            return 2
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                return 0
            }
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            // argument-parser uses EX_USAGE (64) for usage and validation errors; ours is 2.
            return code == .validationFailure ? 2 : code.rawValue
        }
    }

    private static func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("irt-report: error: \(AnalyzeCommand.oneLine(message))\n".utf8))
        return 1
    }
}
