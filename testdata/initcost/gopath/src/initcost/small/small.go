// Package small's init costs almost nothing.
package small

var Value = 1

func init() { Value++ }
