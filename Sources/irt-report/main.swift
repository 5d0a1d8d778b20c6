print("irt-report 0.1.0")
