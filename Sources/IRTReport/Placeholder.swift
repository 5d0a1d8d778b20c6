import IRTModel
