"""The fidelity checker: does a generated text say only what its source says?"""
