import Foundation
import IRTMixture
import IRTModel
import Linalg

/// The files of a report folder, in one list: their names and, for a result,
/// their bytes.
public enum ReportFiles {
    /// Every file name a report folder may hold (`index.png`, a screenshot earlier
    /// versions of `scripts/screenshot-report` wrote beside the page; `.irtkit-report`
    /// marks the folder).
    public static let names: [String] = [
        "index.html", "loadings.csv", "leaderboard.csv", "horn.csv", "snr.csv", "noise_floor.csv", "residuals.csv",
        "result.json", "model.json", "index.png", marker,
    ] + mixtureNames

    /// The files the mixture step adds (`--mixture`): the predictability table,
    /// the effects, and the proposals ready to launch.
    public static let mixtureNames = ["mixture_predictability.csv", "mixture_effects.csv", "proposals.csv"]

    /// The marker file IRTKit writes into every report folder: a folder is
    /// replaced only when it holds this file and nothing outside ``names``.
    public static let marker = ".irtkit-report"

    /// The report's files, in memory: `index.html`, the CSV tables, `result.json`,
    /// `model.json` (the `FittedModel`, for `irt-report score`), the marker and,
    /// with a mixture study, ``mixtureNames``.
    ///
    /// The page and the other files are built side by side (on two threads when
    /// there are two cores); the bytes do not depend on it.
    ///
    /// - Throws: an `EncodingError` if the result cannot be encoded as JSON.
    public static func files(for result: AnalysisResult, mixture: MixtureReport? = nil,
                             title: String?) throws -> [(name: String, data: Data)] {
        let parts = ParallelMap.map(2, threads: ParallelMap.workers(nil)) { part -> Result<[(name: String, data: Data)], any Error> in
            if part == 0 { return .success([("index.html", Data(HTMLReport.render(result, mixture: mixture, title: title).utf8))]) }
            return Result { try dataFiles(for: result, mixture: mixture) }
        }
        var files = try parts[0].get()
        files += try parts[1].get()
        return files
    }

    /// Every file but `index.html`, in ``files(for:mixture:title:)``'s order.
    private static func dataFiles(for result: AnalysisResult, mixture: MixtureReport?) throws -> [(name: String, data: Data)] {
        var files: [(name: String, data: Data)] = [
            ("loadings.csv", Data(CSVExport.loadings(result).utf8)),
            ("leaderboard.csv", Data(CSVExport.leaderboard(result).utf8)),
            ("horn.csv", Data(CSVExport.horn(result).utf8)),
            ("snr.csv", Data(CSVExport.snr(result).utf8)),
            ("noise_floor.csv", Data(CSVExport.noiseFloor(result).utf8)),
            ("residuals.csv", Data(CSVExport.residuals(result).utf8)),
            ("result.json", try ResultJSON.encode(result, mixture: mixture?.analysis)),
            (marker, Data("IRTKit \(IRTKitVersion.string) report folder: irt-report replaces this folder as a whole.\n".utf8)),
        ]
        if let model = result.model { files.append(("model.json", try model.encoded())) }
        if let mixture {
            files.append(("mixture_predictability.csv", Data(CSVExport.mixturePredictability(mixture, factorLabels: result.factorLabels).utf8)))
            files.append(("mixture_effects.csv", Data(CSVExport.mixtureEffects(mixture).utf8)))
            files.append(("proposals.csv", Data(MixtureStudy.proposalsCSV(mixture.analysis, table: mixture.table).utf8)))
        }
        return files
    }
}
