package ui

import (
	"reflect"
	"testing"

	"charm.land/bubbles/v2/key"
)

// TestKeyMapEveryBindingHasKeysAndHelp: every binding of the keymap has
// keys and the help the footer shows for it.
func TestKeyMapEveryBindingHasKeysAndHelp(t *testing.T) {
	km := reflect.ValueOf(defaultKeyMap())
	for i := range km.NumField() {
		name := km.Type().Field(i).Name
		b, ok := km.Field(i).Interface().(key.Binding)
		if !ok {
			t.Fatalf("keyMap.%s is not a key.Binding", name)
		}
		if len(b.Keys()) == 0 || b.Help().Key == "" || b.Help().Desc == "" || !b.Enabled() {
			t.Errorf("keyMap.%s: keys %q, help %+v, enabled %t", name, b.Keys(), b.Help(), b.Enabled())
		}
	}
}

// TestKeyMapStepBindingsAreTheirKeys: a binding described for one step
// answers to the same keys as the one it describes, so that the footer
// never names a key the view does not match.
func TestKeyMapStepBindingsAreTheirKeys(t *testing.T) {
	k := defaultKeyMap()
	for _, tt := range []struct {
		name      string
		step, key key.Binding
	}{
		{"Cancel", k.Cancel, k.Back}, {"CancelRetry", k.CancelRetry, k.Back}, {"FullList", k.FullList, k.Back},
		{"LookUp", k.LookUp, k.Enter}, {"PickList", k.PickList, k.Enter}, {"SubmitButton", k.SubmitButton, k.Enter},
		{"ChooseChannel", k.ChooseChannel, k.Enter}, {"ChooseScope", k.ChooseScope, k.Enter},
		{"DismissWithNote", k.DismissWithNote, k.Enter}, {"BackToTyping", k.BackToTyping, k.CardActions},
		{"DiscardEntry", k.DiscardEntry, k.Yes}, {"KeepEditing", k.KeepEditing, k.No},
	} {
		if !reflect.DeepEqual(tt.step.Keys(), tt.key.Keys()) {
			t.Errorf("%s answers to %q, the keys it describes are %q", tt.name, tt.step.Keys(), tt.key.Keys())
		}
	}
}
