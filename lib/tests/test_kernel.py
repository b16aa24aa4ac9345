"""The Jupyter protocol test suite (jupyter_kernel_test) run against our Java kernel.

Every feature the kernel claims is exercised here; the suite's pager and clear_output tests are
skipped because the kernel does not offer those (it updates outputs in place through display ids).
"""
import unittest

import jupyter_kernel_test as jkt


class JavaKernelTests(jkt.KernelTests):
    kernel_name = "fasttrack-java"
    language_name = "java"
    file_extension = ".java"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("oops");'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max("}},
        {"text": '"x".isEmp', "matches": {"isEmpty()"}},
    ]

    complete_code_samples = ["1", "int x = 1;", "class A {}", "%jars /tmp", "for (int i = 0; i < 2; i++) {}"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "int x =", "class B {"]
    invalid_code_samples = [")", "}"]

    code_generate_error = 'throw new IllegalStateException("expected failure");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"a" + "b"', "result": '"ab"'},
        {"code": "int q = 2;\nq * 21", "result": "42"},
    ]

    code_display_data = [
        {"code": 'display("shown");', "mime": "text/plain"},
        {"code": "display(new java.awt.image.BufferedImage(2, 2, java.awt.image.BufferedImage.TYPE_INT_RGB));",
         "mime": "image/png"},
    ]

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6 * 7"

    code_inspect_sample = "Math.max"


if __name__ == "__main__":
    unittest.main(verbosity=2)
