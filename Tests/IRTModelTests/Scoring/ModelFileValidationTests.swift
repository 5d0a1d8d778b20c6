import Foundation
import IRTModel
import Testing

/// model.json is checked value by value on load: every refusal is one line
/// naming the file, the key and its index (and the task or run), and every
/// value it accepts scores to finite numbers.
@Suite("model.json validation")
struct ModelFileValidationTests {
    /// The sample's model as a JSON object, to edit one key at a time.
    static func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: FittedModelTests.model.encoded()) as? [String: Any])
    }

    /// The reason `object` is refused with, or `nil` (recorded as an issue) when it is read.
    static func refusal(_ object: [String: Any]) throws -> String? {
        let data = try JSONSerialization.data(withJSONObject: object)
        do throws(AnalysisError) { _ = try FittedModel(json: data, source: "m.json") } catch {
            #expect(error.description.hasPrefix("m.json: ") && !error.description.contains("\n"))
            guard case let .invalidModel(_, reason) = error else { Issue.record("\(error)"); return nil }
            return reason
        }
        Issue.record("accepted")
        return nil
    }

    /// `object` with `edit` applied to tasks[t].
    static func editTask(_ object: [String: Any], _ t: Int, _ edit: (inout [String: Any]) -> Void) -> [String: Any] {
        var object = object
        var tasks = object["tasks"] as! [[String: Any]]
        edit(&tasks[t])
        object["tasks"] = tasks
        return object
    }

    /// `object` with sweep key `key` replaced.
    static func editSweep(_ object: [String: Any], _ key: String, _ value: Any) -> [String: Any] {
        var object = object
        var sweep = object["sweep"] as! [String: Any]
        sweep[key] = value
        object["sweep"] = sweep
        return object
    }

    @Test("model.json is validated fully: duplicates, loadings 1e308, sd and ψ 1e-300, bad aggregate_sd, an empty sweep")
    func modelJSONValidatedFully() throws {
        let base = try Self.object()
        let tasks = base["tasks"] as! [[String: Any]]
        let first = tasks[0]["name"] as! String, third = tasks[2]["name"] as! String

        let duplicate = try #require(try Self.refusal(Self.editTask(base, 2) { $0["name"] = first }))
        #expect(duplicate.contains("tasks[2].name") && duplicate.contains("tasks[0]") && duplicate.contains(first))

        let huge = try #require(try Self.refusal(Self.editTask(base, 2) { $0["loadings"] = [1e308] + (($0["loadings"] as! [Double]).dropFirst()) }))
        #expect(huge.contains("tasks[2] (\(third)).loadings[0]"))

        let tinySD = try #require(try Self.refusal(Self.editTask(base, 2) { $0["sd"] = 1e-300 }))
        #expect(tinySD.contains("tasks[2] (\(third)).sd"))

        let psi = try #require(try Self.refusal(Self.editTask(base, 2) { $0["psi"] = 1e-300 }))
        #expect(psi.contains("tasks[2] (\(third)).psi = 1e-300"))

        let nanMean = try #require(try Self.refusal(Self.editTask(base, 1) { $0["mean"] = "NaN" }))
        #expect(nanMean.contains("tasks[1]") && nanMean.contains(".mean"))

        let sweep = base["sweep"] as! [String: Any]
        var sds = sweep["aggregate_sd"] as! [Double]
        sds[5] = -0.1
        let negative = try #require(try Self.refusal(Self.editSweep(base, "aggregate_sd", sds)))
        #expect(negative.contains("sweep.aggregate_sd[5]"))
        var aggregates = sweep["aggregate"] as! [Any]
        aggregates[7] = "NaN"
        let nan = try #require(try Self.refusal(Self.editSweep(base, "aggregate", aggregates)))
        #expect(nan.contains("sweep.aggregate[7]"))

        var empty = base
        empty["sweep"] = ["run_names": [String](), "theta": [[Double]](), "aggregate": [Double](),
                          "aggregate_sd": [Double](), "coverage": [Double](), "covariances": [[[Double]]](),
                          "covariance_index": [Int]()]
        let emptySweep = try #require(try Self.refusal(empty))
        #expect(emptySweep.contains("sweep.run_names is empty"))

        var coverage = sweep["coverage"] as! [Double]
        coverage[0] = 2
        #expect(try Self.refusal(Self.editSweep(base, "coverage", coverage))?.contains("sweep.coverage[0]") == true)

        // The unedited file is read, and a value inside the bounds is kept.
        let data = try JSONSerialization.data(withJSONObject: Self.editTask(base, 2) { $0["psi"] = 1e-9 })
        #expect(try FittedModel(json: data, source: "m.json").tasks[2].psi == 1e-9)
    }
}
