package io.maskgate.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class CropsTest {

    @Test
    void refusesNonImagesWrongSizesAndHugeHeadersBeforeDecodingPixels() throws Exception {
        assertThatThrownBy(() -> Crops.decode(new byte[] {1, 2, 3})).isInstanceOfSatisfying(
                Crops.BadCropException.class, e -> assertThat(e.wrongSize()).isFalse());
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB), "png", png);
        assertThatThrownBy(() -> Crops.decode(png.toByteArray())).isInstanceOfSatisfying(
                Crops.BadCropException.class, e -> assertThat(e.wrongSize()).isTrue());
        // a PNG header announcing 100000 x 100000 pixels with no data: refused from the header alone
        ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes()).putInt(100_000).putInt(100_000)
                .put(new byte[] {8, 2, 0, 0, 0});
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer bomb = ByteBuffer.allocate(8 + 4 + 17 + 4).put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        assertThatThrownBy(() -> Crops.decode(bomb.array())).isInstanceOfSatisfying(
                Crops.BadCropException.class, e -> assertThat(e.getMessage()).contains("100000x100000"));
        ByteArrayOutputStream ok = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", ok);
        assertThat(Crops.pixels(ok.toByteArray())).hasSize(32 * 32 * 3);
    }
}
