package scenario

import "testing"

func TestScenarioTable(t *testing.T) {
	names := map[string]bool{}
	for _, sc := range All() {
		if names[sc.Name] {
			t.Errorf("two scenarios are named %q", sc.Name)
		}
		names[sc.Name] = true
		if sc.CheckServer && !sc.AddID {
			t.Errorf("%q: CheckServer needs AddID", sc.Name)
		}
		for rt := range sc.Differs {
			switch rt {
			case "native", "wasm-chromium", "node", "wasm-node":
			default:
				t.Errorf("%q: Differs names an unknown runtime %q", sc.Name, rt)
			}
		}
	}
	for name := range nodeQuirks {
		if !names[name] {
			t.Errorf("nodeQuirks names no scenario: %q", name)
		}
	}
	if n := len(All()) - len(suite()); n < 30 {
		t.Errorf("%d scenarios besides the suite, want at least 30", n)
	}
}

func TestExpand(t *testing.T) {
	for in, want := range map[string]string{"a{x*3}b": "axxxb", "{é*2}": "éé", "{lone}": "\xff", "{ws}": "{ws}", "{": "{"} {
		if got := Expand(in); got != want {
			t.Errorf("Expand(%q) = %q, want %q", in, got, want)
		}
	}
}
