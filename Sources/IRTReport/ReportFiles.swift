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
    /// The files are built in two halves side by side (on two threads when
    /// there are two cores): the page with `model.json`, and the rest; the
    /// bytes do not depend on it.
    ///
    /// - Throws: an `EncodingError` if the result cannot be encoded as JSON.
    public static func files(for result: AnalysisResult, mixture: MixtureReport? = nil,
                             title: String?) throws -> [(name: String, data: Data)] {
        let halves = ParallelMap.map(2, threads: ParallelMap.workers(nil)) { half -> Result<[(name: String, data: Data)], any Error> in
            Result {
                if half == 0 {
                    let page = ("index.html", Data(HTMLReport.render(result, mixture: mixture, title: title).utf8))
                    return try [page] + (result.model.map { [("model.json", try $0.encoded())] } ?? [])
                }
                return try dataFiles(for: result, mixture: mixture)
            }
        }
        // result.json's error first, as when the files were built one after another.
        let data = try halves[1].get(), page = try halves[0].get()
        // In the folder's order: the page, the tables and result.json, model.json, the mixture's files.
        let tables = data.prefix { !ReportFiles.mixtureNames.contains($0.name) }
        return [page[0]] + tables + page.dropFirst() + data.dropFirst(tables.count)
    }

    /// Every file but `index.html` and `model.json`, in ``files(for:mixture:title:)``'s order.
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
        if let mixture {
            files.append(("mixture_predictability.csv", Data(CSVExport.mixturePredictability(mixture, factorLabels: result.factorLabels).utf8)))
            files.append(("mixture_effects.csv", Data(CSVExport.mixtureEffects(mixture).utf8)))
            files.append(("proposals.csv", Data(MixtureStudy.proposalsCSV(mixture.analysis, table: mixture.table).utf8)))
        }
        return files
    }
}
