package org.mgtm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IntIntMapTest {

    /** Random puts and removes against HashMap, with dense keys (long probe runs, backward shifts). */
    @Test
    void behavesLikeAHashMap() {
        for (int seed = 0; seed < 5; seed++) {
            Random rnd = new Random(seed);
            int capacity = 64;
            IntIntMap map = new IntIntMap(capacity);
            Map<Integer, Integer> ref = new HashMap<>();
            for (int step = 0; step < 20_000; step++) {
                // Keys from a narrow window around the wrap, like open GXIDs.
                int key = 0xFFFF_FFC0 + rnd.nextInt(128);
                if (key != 0 && rnd.nextBoolean() && ref.size() < capacity) {
                    int value = rnd.nextInt(1000);
                    map.put(key, value);
                    ref.put(key, value);
                } else {
                    Integer old = ref.remove(key);
                    assertEquals(old == null ? IntIntMap.MISSING : old, map.remove(key));
                }
                assertEquals(ref.size(), map.size());
                int probe = 0xFFFF_FFC0 + rnd.nextInt(128); // includes 0, which is never a key
                Integer v = ref.get(probe);
                assertEquals(v == null ? IntIntMap.MISSING : v, map.get(probe));
            }
            for (Map.Entry<Integer, Integer> e : ref.entrySet()) {
                assertEquals(e.getValue(), map.get(e.getKey()));
            }
        }
    }
}
