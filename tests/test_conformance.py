"""The jupyter_kernel_test conformance suite, with every test that applies to Go enabled."""
import unittest

import jupyter_kernel_test as jkt


class ConclabConformance(jkt.KernelTests):
    kernel_name = "conclab"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'fmt.Println("hello, world")'
    code_stderr = 'fmt.Fprintln(os.Stderr, "to stderr")'

    completion_samples = [
        {"text": "fmt.Print", "matches": {"Print", "Printf", "Println"}},
        {"text": "strings.ToUp", "matches": {"ToUpper", "ToUpperSpecial"}},
    ]

    complete_code_samples = ['fmt.Println("hi")', "x := 1\n_ = x", "func f() int { return 1 }", "%ls"]
    incomplete_code_samples = ["func f() {", "for i := range 3 {", 'fmt.Println("a",']
    invalid_code_samples = ["func f() }", "x := )"]

    code_generate_error = "undefinedName()"

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"go" + "pher"', "result": '"gopher"'},
        {"code": "x := []int{1, 2, 3}\nlen(x)", "result": "3"},
    ]
    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")

    code_display_data = [
        {"code": 'gonbui.DisplayHTML("<b>bold</b>")', "mime": "text/html"},
        {"code": 'gonbui.DisplayMarkdown("# title")', "mime": "text/markdown"},
    ]

    code_inspect_sample = "fmt.Println"

    code_page_something = "%doc fmt.Println"


if __name__ == "__main__":
    unittest.main()
