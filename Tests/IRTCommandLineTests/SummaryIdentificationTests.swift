import Foundation
import IRTCommandLine
@testable import IRTModel
@testable import IRTReport
import Testing

/// The summary's EM lines say what is identified, what the stop measured and
/// an M-step fallback (METHOD.md §6), from `result.json`'s `em` block.
@Suite("Summary: identification, Σ stop and M-step fallback")
struct SummaryIdentificationTests {
    static func em(_ extra: [String: Any]) throws -> AnalysisResult.EM {
        var object: [String: Any] = [
            "iterations": 1200, "converged": true, "m_step": "nnls", "log_likelihood": -10.5, "init": [[0.1]],
            "max_iterations": 200000, "stop_rule": ["rule": "estimated-distance", "tolerance": 1e-7],
            "acceleration": "anderson", "final_step": 1e-9, "estimated_distance": 1e-8,
        ]
        for (key, value) in extra { object[key] = value }
        return try JSONCoding.decoder().decode(AnalysisResult.EM.self, from: JSONSerialization.data(withJSONObject: object))
    }

    @Test("Weak loadings stopped on Σ are on the EM line; an old m_step_fallback key is ignored")
    func weakLoadings() throws {
        let em = try Self.em([
            "identification": ["status": "weakly_identified", "free_rotations": 3],
            "stop_quantity": "covariance", "covariance_distance": 4e-8,
            "m_step_fallback": ["requested": "projected", "at_evaluation": 116000, "best_residual": 3e-8,
                                "stalled_for": 115000, "active_set_returns": 9000, "cycles": true],
        ])
        let line = try #require(Summary.identificationLine(em))
        #expect(line == "loadings WEAKLY identified (3 free rotation direction(s)); stopped on Σ = ΛΛᵀ + Ψ (estimated distance 4.0e-08)"
                || line.hasPrefix("loadings WEAKLY identified (3 free rotation direction(s)); stopped on Σ = ΛΛᵀ + Ψ (estimated distance "),
                "\(line)")
        #expect(!line.contains("nnls"))
    }

    @Test("Pinned loadings say so; an older em block without the keys gives no line")
    func pinnedAndOld() throws {
        #expect(Summary.identificationLine(try Self.em(["identification": ["status": "pinned"], "stop_quantity": "loadings"]))
                == "loadings pinned by their zeros")
        #expect(Summary.identificationLine(try Self.em([:])) == nil)
    }
}

/// A crawling projected fit whose fixed point was solved is said in the summary
/// and the report's first card, with the rotation followed when there was one.
@Suite("Summary and first card: a solved projected fixed point")
struct SummaryFixedPointTests {
    @Test("solved with a rotation, solved without, not solved")
    func fixedPointLine() throws {
        let rotated = try #require(Summary.fixedPointLine(try SummaryIdentificationTests.em(
            ["m_step": "projected", "fixed_point_solve": true, "fixed_point_rotation_degrees": 1.327])))
        #expect(rotated.hasPrefix("(the projected map crawled toward its fixed point"), "\(rotated)")
        #expect(rotated.contains("after following the rotation of the loadings it drifted along (1.3 degrees) to the loading that stops it, and 2000 plain map steps"), "\(rotated)")
        let plain = try #require(Summary.fixedPointLine(try SummaryIdentificationTests.em(["m_step": "projected", "fixed_point_solve": true])))
        #expect(plain.contains("solved by Newton's method and 2000 plain map steps"), "\(plain)")
        #expect(Summary.fixedPointLine(try SummaryIdentificationTests.em(["m_step": "projected"])) == nil)
        // A rotation followed and settled by the check's steps, with no Newton solve: said too.
        let followed = try #require(Summary.fixedPointLine(try SummaryIdentificationTests.em(
            ["m_step": "projected", "fixed_point_rotation_degrees": 0.8])))
        #expect(followed.contains("crawled along a rotation of the loadings; it was followed (0.8 degrees)") && !followed.contains("Newton"), "\(followed)")
    }

    @Test("the first card: with a rotation, without, and absent")
    func fixedPointText() throws {
        let rotated = try #require(HTMLReport.fixedPointText(try SummaryIdentificationTests.em(
            ["m_step": "projected", "fixed_point_solve": true, "fixed_point_rotation_degrees": 1.327])))
        #expect(rotated.hasPrefix("solved by Newton's method after following the rotation of the loadings it drifted along (1.3°)"), "\(rotated)")
        let plain = try #require(HTMLReport.fixedPointText(try SummaryIdentificationTests.em(["m_step": "projected", "fixed_point_solve": true])))
        #expect(plain.hasPrefix("solved by Newton's method: the projected map crawled toward it"), "\(plain)")
        #expect(HTMLReport.fixedPointText(try SummaryIdentificationTests.em(["m_step": "projected"])) == nil)
        let followed = try #require(HTMLReport.fixedPointText(try SummaryIdentificationTests.em(
            ["m_step": "projected", "fixed_point_rotation_degrees": 0.8])))
        #expect(followed.hasPrefix("reached by following the rotation") && followed.contains("(0.8°)"), "\(followed)")
    }
}
