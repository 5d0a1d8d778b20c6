import ArgumentParser
import Foundation
import IRTModel
import Synchronization

/// Task selection, run names and gaps on the command line: which columns are
/// tasks (`--tasks`, `--exclude`, `--higher-is-better`, `--lower-is-better`,
/// `--selection`), the run column, missing tokens and the missing-data policy.
extension AnalyzeCommand {
    /// Whether the user said which columns are tasks (`--tasks` or `--selection`).
    public var choosesTasks: Bool { !tasks.isEmpty || selection != nil }

    /// The least number of columns the reference preset must match to be taken by default.
    static let minimumPresetColumns = 2

    /// The `--selection` file, decoded; `nil` without the option.
    ///
    /// - Throws: `ValidationError` naming the file and what is wrong with it.
    func selectionFromFile() throws(ValidationError) -> TaskSelection? {
        guard let selection else { return nil }
        let data: Data
        do {
            data = try Self.selectionBytes(selection)
        } catch {
            let reason = if case let .unreadableFile(_, reason) = error { reason } else { error.description }
            throw ValidationError("--selection \(selection): cannot read the file (\(reason))")
        }
        if let (key, line) = JSONCoding.duplicateKey(in: data) {
            throw ValidationError("--selection \(selection):\(line): key \"\(key)\" appears twice in one object; JSON keeps only one of them, so give each key once (merge the two lists)")
        }
        do {
            return try JSONDecoder().decode(TaskSelection.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw ValidationError("--selection \(selection): \(Self.reason(context)); expected e.g. {\"include\": [\"arc*\", \"hellaswag\"], \"exclude\": [\"*_stderr\"]} or {\"preset\": \"reference\"}")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ValidationError("--selection \(selection): \(Self.reason(context)); \"include\", \"exclude\", \"higher_is_better\" and \"lower_is_better\" are lists of patterns, \"preset\" a name")
        } catch {
            throw ValidationError("--selection \(selection): not a task selection (\(error)); expected e.g. {\"include\": [\"arc*\"]}")
        }
    }

    /// The bytes of the `--selection` file at `path`, read once: a pipe such
    /// as `<(…)` yields its bytes a single time, and validation and the run
    /// both need them, so they are kept for the process (keyed by path).
    static func selectionBytes(_ path: String) throws(AnalysisError) -> Data {
        if let kept = pipedSelections.withLock({ $0[path] }) { return kept }
        let data = try CSVReader.contents(of: URL(fileURLWithPath: path))
        var status = stat()
        if stat(path, &status) != 0 || status.st_mode & S_IFMT != S_IFREG {
            pipedSelections.withLock { $0[path] = data }
        }
        return data
    }

    /// The bytes of `--selection` files that are not regular files (pipes), by path.
    private static let pipedSelections = Mutex<[String: Data]>([:])

    private static func reason(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map(\.stringValue).filter { !$0.isEmpty }
        let underlying = (context.underlyingError as NSError?).map { " (\($0.localizedDescription))" } ?? ""
        return (path.isEmpty ? "" : "\(path.joined(separator: ".")): ") + context.debugDescription + underlying
    }

    /// The task selection these arguments ask for on `sweep` (read with its run
    /// column): `--selection` and/or `--tasks` patterns; without either, the
    /// reference preset when it matches at least 2 columns. `--exclude` and
    /// the direction options refine whichever it is.
    ///
    /// - Throws: ``SelectionUsageError`` (exit 2) when no selection was given
    ///   and the reference preset does not fit the file: the message lists the
    ///   numeric columns and a ready `--tasks` command line; `ValidationError`
    ///   for a bad `--selection` file.
    public func taskSelection(for sweep: EvalMatrix) throws -> TaskSelection {
        var result: TaskSelection
        if let fromFile = try selectionFromFile() {
            result = fromFile
        } else if !tasks.isEmpty {
            result = TaskSelection()
        } else {
            let names = sweep.columnNames.filter { $0 != sweep.runColumn }
            let matched = PresetRules.reference.taskColumns(in: names)
            guard matched.count >= Self.minimumPresetColumns else {
                throw SelectionUsageError(selectionRequiredMessage(sweep, presetMatches: matched.count))
            }
            result = .reference
        }
        result.include += tasks
        result.exclude += exclude
        result.higherIsBetter += higherIsBetter
        result.lowerIsBetter += lowerIsBetter
        return result
    }

    /// The message of ``SelectionUsageError``: what was found and a command line to start from.
    func selectionRequiredMessage(_ sweep: EvalMatrix, presetMatches: Int) -> String {
        let numeric = sweep.numericColumnNames.filter { $0 != sweep.runColumn }
        let path = self.sweep ?? inputs.sweep.path
        var lines = [
            "\(sweep.source): no task selection given, and the reference preset (bits-per-byte columns such as lm_eval/…/bpb) matches \(presetMatches) column(s) of this file; say which columns are tasks with --tasks PATTERN (or --selection FILE.json).",
        ]
        if numeric.isEmpty {
            lines.append("The file has no numeric column (every column holds text); a task column must hold numbers.")
            return lines.joined(separator: "\n")
        }
        lines.append("Numeric columns (\(numeric.count)), with the direction a pattern would give them:")
        let width = numeric.prefix(40).map(TerminalText.width).max() ?? 0
        for name in numeric.prefix(40) {
            let why = switch TaskSelection.inferredDirection(of: name).reason {
            case let .nameToken(token): "lower is better (name token \"\(token)\")"
            default: "higher is better (no loss/bpb/perplexity/ppl/nll/error/err/wer/cer/brier/bits per byte in the name)"
            }
            lines.append("  \(TerminalText.pad(name, width))  \(why)")
        }
        if numeric.count > 40 { lines.append("  … and \(numeric.count - 40) more") }
        var command = ["irt-report", Self.shellQuoted(path)]
        if numeric.count <= 12 {
            for name in numeric { command += ["--tasks", Self.shellQuoted(Glob.escape(name))] }
        } else {
            command += ["--tasks", "'*'"]
        }
        if let named = sweep.runColumn, named != EvalMatrix.runNameColumn {
            command += ["--run-column", Self.shellQuoted(named)]
        }
        lines.append("For example (drop the columns that are not tasks, e.g. averages or sizes):")
        lines.append("  " + command.joined(separator: " "))
        return lines.joined(separator: "\n")
    }

    /// `text` quoted for a POSIX shell when it needs it.
    static func shellQuoted(_ text: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@%+,")
        if !text.isEmpty, text.allSatisfy(safe.contains) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The lines printed after the banner: the tasks with direction, reason
    /// and coverage, the gaps and every dropped run and task.
    public static func selectionSummary(_ prepared: PreparedSweep) -> String {
        prepared.selectionReport.summaryLines().joined(separator: "\n")
    }
}
