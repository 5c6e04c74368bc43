package anomalies

import (
	"os"
	"testing"
)

var tempRoot string

func TestMain(m *testing.M) {
	var err error
	tempRoot, err = os.MkdirTemp("", "orderflow-anomalies-test")
	if err != nil {
		panic(err)
	}
	code := m.Run()
	if world.st != nil {
		world.st.Close()
	}
	os.RemoveAll(tempRoot)
	os.Exit(code)
}

// tempDir is a folder for the databases shared by several tests of the binary.
func tempDir() (string, error) { return os.MkdirTemp(tempRoot, "db") }
