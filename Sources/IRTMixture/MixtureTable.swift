import Foundation
import IRTModel
import Linalg

/// A mixture file read and validated: one row of weights per run.
///
/// Rows follow ``runNames`` (file order); ``weights`` is runs × ``columns``.
public struct MixtureTable: Sendable, Equatable {
    /// The file name used in messages.
    public let source: String
    /// The run names, in file order.
    public let runNames: [String]
    /// The weight columns kept (constant ones dropped), in file order.
    public let columns: [String]
    /// The phases; their columns partition ``columns``.
    public let phases: [MixturePhase]
    /// Runs × columns, column-major.
    public let weights: Matrix
    /// Weight columns constant across the runs, dropped (said in the notes).
    public let droppedConstantColumns: [String]
    /// The constant value of each of ``droppedConstantColumns``.
    public let droppedConstantValues: [Double]
    /// Every weight column of the file (kept and dropped), in file order: the columns of proposals.csv.
    public let inputColumns: [String]
    /// The 1-based file line of each run's row.
    public let lines: [Int]

    public init(source: String, runNames: [String], columns: [String], phases: [MixturePhase],
                weights: Matrix, droppedConstantColumns: [String], droppedConstantValues: [Double],
                inputColumns: [String], lines: [Int]) {
        self.source = source
        self.runNames = runNames
        self.columns = columns
        self.phases = phases
        self.weights = weights
        self.droppedConstantColumns = droppedConstantColumns
        self.droppedConstantValues = droppedConstantValues
        self.inputColumns = inputColumns
        self.lines = lines
    }
}
